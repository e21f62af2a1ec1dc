package dev.fleetq.cli;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.api.ApiConfig;
import dev.fleetq.coordinator.api.HttpApi;
import dev.fleetq.coordinator.gate.GateConfig;
import dev.fleetq.coordinator.gate.MergeGate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleetq coordinator}: job intake, planner, publisher, projector, lease reaper, the CI gate
 * and the HTTP API, until it is told to stop.
 */
@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description = "Run the coordinator: plan jobs, publish units, gate pushes, serve the HTTP API.")
final class CoordinatorCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Option(
      names = "--http-host",
      defaultValue = "${env:FLEETQ_HTTP_HOST:-0.0.0.0}",
      description =
          "Address the HTTP API listens on (env FLEETQ_HTTP_HOST; default ${DEFAULT-VALUE}).")
  String httpHost;

  @Option(
      names = "--http-port",
      defaultValue = "${env:FLEETQ_HTTP_PORT:-8080}",
      description = "Port of the HTTP API (env FLEETQ_HTTP_PORT; default ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--gate-max-wait",
      defaultValue = "${env:FLEETQ_GATE_MAX_WAIT:-PT2S}",
      description =
          "How long the gate keeps collecting a repository's requests after the first one before it"
              + " tests them as one batch, ISO-8601; PT0S does not wait (env FLEETQ_GATE_MAX_WAIT;"
              + " default ${DEFAULT-VALUE}).")
  Duration gateMaxWait;

  @Override
  public Integer call() throws InterruptedException {
    if (!stack.reachable("coordinator")) {
      return 2;
    }
    CoordinatorConfig config =
        CoordinatorConfig.defaults(stack.kafka, stack.redis, stack.absoluteWorkDir())
            .withNames(
                stack.topics(),
                stack.keys(),
                CoordinatorConfig.DEFAULT_INTAKE_GROUP,
                CoordinatorConfig.DEFAULT_PROJECTOR_GROUP);
    HttpApi api = HttpApi.extension(ApiConfig.defaults(httpHost, httpPort));
    Coordinator coordinator =
        Coordinator.create(
            config,
            Clock.systemUTC(),
            List.of(MergeGate.extension(GateConfig.defaults().withMaxWait(gateMaxWait)), api));
    coordinator.start();
    System.err.println("fleetq coordinator: HTTP API on " + httpHost + ":" + api.port());
    UntilSignalled.run("coordinator", coordinator);
    return 0;
  }
}
