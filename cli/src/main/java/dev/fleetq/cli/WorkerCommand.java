package dev.fleetq.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleetq worker}: one worker agent host, taking units until it is told to stop. With a
 * Docker engine ({@link DockerOptions}) it runs agents whose job names an image, or all agents when
 * it has a default image, in containers of their own; otherwise as local processes, which a root
 * worker runs as uids of their own ({@link HostOptions}). It also serves the planner's and the
 * gate's suite runs on {@code --suite-slots}; {@link ExecutorCommand} serves only those. On SIGTERM
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

  @Mixin HostOptions host;

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

  @Override
  public Integer call() throws InterruptedException {
    return host.serve("worker", stack, docker, slots, suiteSlots);
  }
}
