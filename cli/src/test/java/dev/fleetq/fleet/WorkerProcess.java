package dev.fleetq.fleet;

import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * A worker in a JVM of its own, so that a test can kill it the hard way ({@code SIGKILL}): no
 * shutdown hook, no unlock, no last event. Arguments: bootstrap servers, Redis URI, topic prefix,
 * key prefix, fleet directory, worker name. Prints {@code worker started} once it takes units.
 */
final class WorkerProcess {
  private WorkerProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Worker worker =
        Worker.create(
            Fleet.workerConfig(
                args[0],
                args[1],
                new Topics(args[2]),
                new RedisKeys(args[3]),
                Path.of(args[4]),
                args[5]),
            new ProcessSandbox(),
            Clock.systemUTC());
    worker.start();
    System.out.println("worker started");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
