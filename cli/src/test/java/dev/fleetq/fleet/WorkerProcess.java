package dev.fleetq.fleet;

import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker in a JVM of its own, so that a test can kill it the hard way ({@code SIGKILL}): no
 * shutdown hook, no unlock, no last event. Arguments: bootstrap servers, Redis URI, topic prefix,
 * key prefix, fleet directory, worker name, and optionally its unit slots and suite slots (1 and 1
 * when left out). Prints {@code worker started} once it takes units.
 */
final class WorkerProcess {
  private WorkerProcess() {}

  /**
   * Starts a worker process on the test's stack and names, with {@code slots} unit slots and {@code
   * suiteSlots} suite slots and {@code environment} added to its own, and waits until it takes
   * work.
   */
  static Process start(
      DevStack stack,
      TestNamespace ns,
      Path dir,
      String name,
      int slots,
      int suiteSlots,
      Map<String, String> environment)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WorkerProcess.class.getName(),
                stack.bootstrapServers(),
                stack.redisUri(),
                ns.topicPrefix(),
                ns.keyPrefix(),
                dir.toString(),
                name,
                Integer.toString(slots),
                Integer.toString(suiteSlots))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(environment);
    Process process = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    await().atMost(Duration.ofMinutes(1)).until(() -> "worker started".equals(nextLine(out)));
    return process;
  }

  /** Kills the process and everything it started, the hard way. */
  static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  private static String nextLine(BufferedReader out) throws Exception {
    String line = out.readLine();
    if (line == null) {
      throw new IllegalStateException("the worker process exited before it started");
    }
    return line;
  }

  public static void main(String[] args) throws InterruptedException {
    Worker worker =
        Worker.create(
            Fleet.workerConfig(
                    args[0],
                    args[1],
                    new Topics(args[2]),
                    new RedisKeys(args[3]),
                    Path.of(args[4]),
                    args[5])
                .withSlots(args.length > 6 ? Integer.parseInt(args[6]) : 1)
                .withSuiteSlots(args.length > 7 ? Integer.parseInt(args[7]) : 1),
            new ProcessSandbox(),
            Clock.systemUTC());
    worker.start();
    System.out.println("worker started");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
