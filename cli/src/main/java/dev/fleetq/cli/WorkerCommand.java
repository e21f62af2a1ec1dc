package dev.fleetq.cli;

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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleetq worker}: one worker agent host, taking units until it is told to stop. With a
 * Docker engine ({@link DockerOptions}) it runs agents whose job names an image, or all agents when
 * it has a default image, in containers of their own; otherwise as local processes. On SIGTERM
 * (Kubernetes' way of saying stop) it stops taking units, hands back what it cannot finish within
 * the shutdown grace, and exits.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker: claim units, run the agent, push to the gate.")
final class WorkerCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Mixin DockerOptions docker;

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
      names = "--suite-slots",
      defaultValue = "${env:FLEETQ_SUITE_SLOTS:-1}",
      description =
          "Test suite runs served at once for the coordinator's planner and gate; 0 serves none"
              + " (env FLEETQ_SUITE_SLOTS; default ${DEFAULT-VALUE}).")
  int suiteSlots;

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

  @Override
  public Integer call() throws InterruptedException {
    DockerSandboxConfig containers;
    try {
      containers = docker.settings("worker").orElse(null);
      if (!stack.reachable("worker")) {
        return 2;
      }
      if (containers != null) {
        DockerOptions.requireEngine("worker", containers);
      }
    } catch (DockerOptions.Refused e) {
      return 2;
    }
    WorkerConfig config = config().withDefaultImage(docker.image());
    DockerSandbox sandbox =
        containers == null ? null : DockerSandbox.connect(containers, config.workerId(), null);
    Worker worker;
    try {
      worker = Worker.create(config, new ProcessSandbox(), sandbox, Clock.systemUTC());
    } catch (RuntimeException e) {
      closeQuietly(sandbox);
      throw e;
    }
    StatusServer status;
    try {
      status = StatusServer.start(worker, metricsHost, metricsPort);
    } catch (UncheckedIOException e) {
      stop(worker, sandbox);
      System.err.println(
          "fleetq worker: cannot serve /metrics on "
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
          "fleetq worker: /metrics, /healthz and /readyz on " + metricsHost + ":" + status.port());
      UntilSignalled.run("worker " + worker.id(), () -> stop(worker, sandbox));
    } catch (RuntimeException e) {
      stop(worker, sandbox);
      throw e;
    }
    return 0;
  }

  /** Closes the worker, then the sandbox: the worker's shutdown removes its running containers. */
  private static void stop(Worker worker, DockerSandbox sandbox) {
    try {
      worker.close();
    } finally {
      closeQuietly(sandbox);
    }
  }

  private static void closeQuietly(DockerSandbox sandbox) {
    if (sandbox != null) {
      try {
        sandbox.close();
      } catch (RuntimeException e) {
        System.err.println("fleetq worker: could not close the Docker clients: " + e);
      }
    }
  }

  private WorkerConfig config() {
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
