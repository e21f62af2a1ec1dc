package dev.fleetq.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleetq executor}: a worker that takes no units and serves only suite runs, the planner's
 * baseline and the gate's batches, for fleets that keep the gate's executors apart from their
 * agents (their own pods, sizes and autoscaling). It is {@code fleetq worker --slots 0}, with the
 * same sandboxes, uids, metrics and signals.
 */
@Command(
    name = "executor",
    mixinStandardHelpOptions = true,
    description = "Run an executor: serve the coordinator's test suite runs, take no units.")
final class ExecutorCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Mixin DockerOptions docker;

  @Mixin HostOptions host;

  @Option(
      names = "--suite-slots",
      defaultValue = "${env:FLEETQ_SUITE_SLOTS:-1}",
      description =
          "Test suite runs served at once (env FLEETQ_SUITE_SLOTS; default ${DEFAULT-VALUE}).")
  int suiteSlots;

  @Override
  public Integer call() throws InterruptedException {
    return host.serve("executor", stack, docker, 0, suiteSlots);
  }
}
