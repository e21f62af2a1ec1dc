package dev.fleetq.cli;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.api.ApiConfig;
import dev.fleetq.coordinator.api.ApiTokens;
import dev.fleetq.coordinator.api.HttpApi;
import dev.fleetq.coordinator.gate.GateConfig;
import dev.fleetq.coordinator.gate.MergeGate;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
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
 *
 * <p>The API's {@code /v1} routes require a bearer token from {@code --api-token-file}. Without
 * one, the coordinator serves an open API only on a loopback address, or anywhere when {@code
 * --api-open} says the network in front of it is trusted; otherwise it refuses to start, since an
 * open API lets anyone who reaches it submit jobs (as Redis's protected mode refuses outside
 * clients when it has no password).
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
      names = "--api-token-file",
      defaultValue = "${env:FLEETQ_API_TOKEN_FILE}",
      description =
          "File of the bearer tokens the HTTP API accepts, one per line, # for comments (env"
              + " FLEETQ_API_TOKEN_FILE).")
  Path apiTokenFile;

  @Option(
      names = "--api-open",
      defaultValue = "${env:FLEETQ_API_OPEN:-false}",
      description =
          "Serve the HTTP API without tokens on a non-loopback address, for a trusted network"
              + " (env FLEETQ_API_OPEN).")
  boolean apiOpen;

  @Option(
      names = "--gate-max-wait",
      defaultValue = "${env:FLEETQ_GATE_MAX_WAIT:-PT2S}",
      description =
          "How long the gate keeps collecting a repository's requests after the first one before it"
              + " tests them as one batch, ISO-8601; PT0S does not wait (env FLEETQ_GATE_MAX_WAIT;"
              + " default ${DEFAULT-VALUE}).")
  Duration gateMaxWait;

  @Option(
      names = "--gate-parallel-runs",
      defaultValue = "${env:FLEETQ_GATE_PARALLEL_RUNS:-" + GateConfig.DEFAULT_PARALLEL_RUNS + "}",
      description =
          "Suite runs the gate keeps in flight on the executors at once: one per repository it is"
              + " deciding, and up to this many probes of one batch's bisection"
              + " (env FLEETQ_GATE_PARALLEL_RUNS; default ${DEFAULT-VALUE}).")
  int gateParallelRuns;

  @Option(
      names = "--gate-min-batch",
      defaultValue = "${env:FLEETQ_GATE_MIN_BATCH:-" + GateConfig.DEFAULT_MIN_BATCH + "}",
      description =
          "The smallest batch a repository's batch size halves to after batches in which the gate"
              + " refused a candidate (env FLEETQ_GATE_MIN_BATCH; default ${DEFAULT-VALUE}).")
  int gateMinBatch;

  @Option(
      names = "--gate-max-batch",
      defaultValue = "${env:FLEETQ_GATE_MAX_BATCH:-" + GateConfig.DEFAULT_MAX_BATCH + "}",
      description =
          "The most requests of a repository the gate merges and tests together; a repository"
              + " starts there and grows back by one after each batch that lands whole"
              + " (env FLEETQ_GATE_MAX_BATCH; default ${DEFAULT-VALUE}).")
  int gateMaxBatch;

  @Option(
      names = "--gate-keep-branches",
      defaultValue = "${env:FLEETQ_GATE_KEEP_BRANCHES:-false}",
      description =
          "Keep the candidates' fleetq/... branches in the origin after their verdicts; by default"
              + " the gate deletes them (env FLEETQ_GATE_KEEP_BRANCHES).")
  boolean gateKeepBranches;

  @Override
  public Integer call() throws InterruptedException {
    ApiTokens tokens;
    try {
      tokens = tokens();
    } catch (IllegalArgumentException e) {
      System.err.println("fleetq coordinator: " + e.getMessage());
      return 2;
    }
    if (!stack.reachable("coordinator")) {
      return 2;
    }
    CoordinatorConfig config =
        CoordinatorConfig.defaults(stack.kafka(), stack.redis, stack.absoluteWorkDir())
            .withNames(
                stack.topics(),
                stack.keys(),
                CoordinatorConfig.DEFAULT_INTAKE_GROUP,
                CoordinatorConfig.DEFAULT_PROJECTOR_GROUP);
    GateConfig gate;
    try {
      gate =
          GateConfig.defaults()
              .withMaxWait(gateMaxWait)
              .withParallelRuns(gateParallelRuns)
              .withBatchSizes(gateMinBatch, gateMaxBatch)
              .withKeepBranches(gateKeepBranches);
    } catch (IllegalArgumentException e) {
      System.err.println("fleetq coordinator: the gate's settings: " + e.getMessage());
      return 2;
    }
    HttpApi api = HttpApi.extension(ApiConfig.defaults(httpHost, httpPort).withTokens(tokens));
    Coordinator coordinator =
        Coordinator.create(config, Clock.systemUTC(), List.of(MergeGate.extension(gate), api));
    try {
      coordinator.start();
    } catch (IllegalStateException e) {
      System.err.println("fleetq coordinator: " + e.getMessage());
      return 1;
    }
    System.err.println(
        "fleetq coordinator: HTTP API on " + httpHost + ":" + api.port() + " with " + tokens);
    UntilSignalled.run("coordinator", coordinator);
    return 0;
  }

  /** The tokens of {@code --api-token-file}, or none where an open API is allowed. */
  private ApiTokens tokens() {
    if (apiTokenFile != null) {
      return ApiTokens.read(apiTokenFile);
    }
    if (!apiOpen && !loopback(httpHost)) {
      throw new IllegalArgumentException(
          "the HTTP API on "
              + httpHost
              + " would be open to anyone who reaches it: give --api-token-file FILE (env"
              + " FLEETQ_API_TOKEN_FILE), or --http-host 127.0.0.1, or --api-open on a trusted"
              + " network");
    }
    System.err.println(
        "fleetq coordinator: the HTTP API on " + httpHost + " requires no token (open)");
    return ApiTokens.OPEN;
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--http-host " + host + " is not a known address", e);
    }
  }
}
