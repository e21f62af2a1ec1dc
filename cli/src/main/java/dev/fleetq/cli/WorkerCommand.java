package dev.fleetq.cli;

import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import dev.fleetq.worker.WorkerConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetq worker}: one worker agent host, taking units until it is told to stop. On SIGTERM
 * (Kubernetes' way of saying stop) it stops taking units, hands back what it cannot finish within
 * the shutdown grace, and exits.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker: claim units, run the agent, push to the gate.")
final class WorkerCommand implements Callable<Integer> {
  static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);

  @Option(
      names = "--kafka",
      defaultValue = "${env:FLEETQ_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description =
          "Kafka bootstrap servers (env FLEETQ_KAFKA_BOOTSTRAP; default ${DEFAULT-VALUE}).")
  String kafka;

  @Option(
      names = "--redis",
      defaultValue = "${env:FLEETQ_REDIS_URI:-redis://127.0.0.1:6379}",
      description = "Redis URI (env FLEETQ_REDIS_URI; default ${DEFAULT-VALUE}).")
  String redis;

  @Option(
      names = "--id",
      defaultValue = "${env:FLEETQ_WORKER_ID}",
      description = "This worker's id (env FLEETQ_WORKER_ID; default: the host name).")
  String id;

  @Option(
      names = "--slots",
      defaultValue = "${env:FLEETQ_WORKER_SLOTS:-1}",
      description = "Units worked on at once (env FLEETQ_WORKER_SLOTS; default ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--work-dir",
      defaultValue = "${env:FLEETQ_WORK_DIR:-fleetq-work}",
      description =
          "Mirrors, worktrees and agent logs (env FLEETQ_WORK_DIR; default ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(
      names = "--topic-prefix",
      defaultValue = "${env:FLEETQ_TOPIC_PREFIX:-fleetq.}",
      description =
          "Prefix of the Kafka topics (env FLEETQ_TOPIC_PREFIX; default ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--key-prefix",
      defaultValue = "${env:FLEETQ_KEY_PREFIX:-fleetq:}",
      description = "Prefix of the Redis keys (env FLEETQ_KEY_PREFIX; default ${DEFAULT-VALUE}).")
  String keyPrefix;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "${env:FLEETQ_SHUTDOWN_GRACE:-PT30S}",
      description =
          "How long a stopping worker lets running units finish before handing them back, ISO-8601"
              + " (env FLEETQ_SHUTDOWN_GRACE; default ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  @Option(
      names = "--lease-watchdog",
      defaultValue = "${env:FLEETQ_LEASE_WATCHDOG:-PT30S}",
      description =
          "How long a unit's lease outlives a worker that died, ISO-8601 (env FLEETQ_LEASE_WATCHDOG;"
              + " default ${DEFAULT-VALUE}).")
  Duration leaseWatchdog;

  @Override
  public Integer call() throws InterruptedException {
    try {
      Preflight.requireKafka(kafka, PREFLIGHT_TIMEOUT);
      Preflight.requireRedis(redis, PREFLIGHT_TIMEOUT);
    } catch (Preflight.Unreachable e) {
      System.err.println("fleetq worker: " + e.getMessage());
      return 2;
    }
    Worker worker = Worker.create(config(), new ProcessSandbox(), Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  stopped.countDown();
                },
                "fleetq-worker-shutdown"));
    worker.start();
    System.err.println("fleetq worker " + worker.id() + " started; Ctrl-C or SIGTERM stops it");
    stopped.await();
    return 0;
  }

  private WorkerConfig config() {
    return WorkerConfig.defaults(workerId(), kafka, redis, workDir.toAbsolutePath())
        .withNames(new Topics(topicPrefix), new RedisKeys(keyPrefix))
        .withSlots(slots)
        .withShutdownGrace(shutdownGrace)
        .withLockWatchdogTimeout(leaseWatchdog);
  }

  private WorkerId workerId() {
    if (id != null && !id.isBlank()) {
      return WorkerId.parse(id);
    }
    try {
      return WorkerId.parse(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("no --id given and the host has no name", e);
    }
  }
}
