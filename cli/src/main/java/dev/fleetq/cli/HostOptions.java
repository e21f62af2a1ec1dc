package dev.fleetq.cli;

import dev.fleetq.exec.sandbox.AgentUids;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.worker.StatusServer;
import dev.fleetq.worker.Worker;
import dev.fleetq.worker.WorkerConfig;
import dev.fleetq.worker.sandbox.DockerSandbox;
import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What {@code fleetq worker} and {@code fleetq executor} share: the process that hosts a {@link
 * Worker}, its id, lease and shutdown timing, its status server, and which uids its process runs
 * take, and the loop that serves until a signal comes.
 *
 * <p>{@code --agent-uids} ({@link AgentUidsChoice}): {@code auto} (the default) runs agents and
 * suite runs as the uids {@value AgentUids#DEFAULT_RANGE} when the worker is root, and as the
 * worker's own user otherwise (a pod that runs as a user of its own is the isolation there); a
 * {@code FIRST-LAST} range asks for it explicitly; {@code off} never changes the uid.
 */
final class HostOptions {
  @Option(
      names = "--id",
      defaultValue = "${env:FLEETQ_WORKER_ID}",
      description = "This worker's id (env FLEETQ_WORKER_ID; default: the host name).")
  String id;

  @Option(
      names = "--agent-uids",
      defaultValue = "${env:FLEETQ_AGENT_UIDS:-auto}",
      description =
          "Uids that local agent and suite processes run as, FIRST-LAST; 'auto' uses "
              + AgentUids.DEFAULT_RANGE
              + " when the worker is root, 'off' keeps the worker's own (env FLEETQ_AGENT_UIDS;"
              + " default ${DEFAULT-VALUE}).")
  String agentUids;

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

  @Option(
      names = "--metrics-host",
      defaultValue = "${env:FLEETQ_METRICS_HOST:-0.0.0.0}",
      description =
          "Address of /metrics, /healthz and /readyz (env FLEETQ_METRICS_HOST; default"
              + " ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:FLEETQ_METRICS_PORT:-9090}",
      description =
          "Port of /metrics, /healthz and /readyz; 0 picks a free one (env FLEETQ_METRICS_PORT;"
              + " default ${DEFAULT-VALUE}).")
  int metricsPort;

  /**
   * Runs a worker with {@code slots} unit slots and {@code suiteSlots} suite slots until SIGTERM.
   *
   * @param command the command's name in what the operator reads, {@code worker} or {@code
   *     executor}
   * @return the exit status: 0 after a signal, 2 when the stack, the engine, the uids or the status
   *     port are not usable
   */
  int serve(String command, StackOptions stack, DockerOptions docker, int slots, int suiteSlots)
      throws InterruptedException {
    DockerSandboxConfig containers;
    try {
      containers = docker.settings(command).orElse(null);
      if (!stack.reachable(command)) {
        return 2;
      }
      if (containers != null) {
        DockerOptions.requireEngine(command, containers);
      }
    } catch (DockerOptions.Refused e) {
      return 2;
    }
    WorkerConfig config;
    ProcessSandbox local;
    try {
      config = config(stack, slots, suiteSlots).withDefaultImage(docker.image());
      local =
          AgentUidsChoice.sandbox(
              agentUids, config.slots() + config.suiteSlots(), config.workDir());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("fleetq " + command + ": " + e.getMessage());
      return 2;
    }
    DockerSandbox sandbox =
        containers == null ? null : DockerSandbox.connect(containers, config.workerId(), null);
    Worker worker;
    try {
      worker = Worker.create(config, local, sandbox, Clock.systemUTC());
    } catch (RuntimeException e) {
      closeQuietly(command, sandbox);
      throw e;
    }
    StatusServer status;
    try {
      status = StatusServer.start(worker, metricsHost, metricsPort);
    } catch (UncheckedIOException e) {
      stop(command, worker, sandbox);
      System.err.println(
          "fleetq "
              + command
              + ": cannot serve /metrics on "
              + metricsHost
              + ":"
              + metricsPort
              + ": "
              + e.getCause().getMessage());
      return 2;
    }
    try (status) {
      worker.start();
      System.err.println(
          "fleetq "
              + command
              + ": /metrics, /healthz and /readyz on "
              + metricsHost
              + ":"
              + status.port());
      UntilSignalled.run(command + " " + worker.id(), () -> stop(command, worker, sandbox));
    } catch (RuntimeException e) {
      stop(command, worker, sandbox);
      throw e;
    }
    return 0;
  }

  /** Closes the worker, then the sandbox: the worker's shutdown removes its running containers. */
  private static void stop(String command, Worker worker, DockerSandbox sandbox) {
    try {
      worker.close();
    } finally {
      closeQuietly(command, sandbox);
    }
  }

  private static void closeQuietly(String command, DockerSandbox sandbox) {
    if (sandbox != null) {
      try {
        sandbox.close();
      } catch (RuntimeException e) {
        System.err.println("fleetq " + command + ": could not close the Docker clients: " + e);
      }
    }
  }

  private WorkerConfig config(StackOptions stack, int slots, int suiteSlots) {
    return WorkerConfig.defaults(workerId(), stack.kafka(), stack.redis, stack.absoluteWorkDir())
        .withNames(stack.topics(), stack.keys())
        .withSlots(slots)
        .withSuiteSlots(suiteSlots)
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
