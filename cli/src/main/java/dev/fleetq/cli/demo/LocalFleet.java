package dev.fleetq.cli.demo;

import dev.fleetq.cli.Endpoints;
import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.api.ApiConfig;
import dev.fleetq.coordinator.api.ApiTokens;
import dev.fleetq.coordinator.api.HttpApi;
import dev.fleetq.coordinator.gate.GateConfig;
import dev.fleetq.coordinator.gate.MergeGate;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.DevStackConfig;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import dev.fleetq.worker.WorkerConfig;
import dev.fleetq.worker.sandbox.DockerSandbox;
import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A whole fleet in this JVM: the devstack (embedded Kafka and Redis), a coordinator with its gate
 * and HTTP API, and workers named {@code agent-1..N} with one slot each, each with a Docker sandbox
 * of its own when {@code fleetq local} has an engine. Used by {@code fleetq demo} and {@code fleetq
 * local}. The API requires a bearer token made for this fleet (256 random bits), which {@link
 * #endpoints} hands to the user's client commands. Not thread-safe; owned by the command's main
 * thread, except {@link #close()}, which a shutdown hook may also call; it closes once.
 */
final class LocalFleet implements AutoCloseable {
  private static final int TOKEN_BYTES = 32;

  private final DevStack stack;
  private final Coordinator coordinator;
  private final HttpApi api;
  private final String token;
  private final List<Worker> workers = new ArrayList<>();
  private final List<DockerSandbox> sandboxes = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalFleet(DevStack stack, Coordinator coordinator, HttpApi api, String token) {
    this.stack = stack;
    this.coordinator = coordinator;
    this.api = api;
    this.token = token;
  }

  /**
   * Starts the devstack, then the coordinator, then {@code agents} workers; on failure closes what
   * started.
   */
  static LocalFleet start(
      DevStackConfig stackConfig, Path workDir, String httpHost, int httpPort, int agents) {
    return start(
        stackConfig, workDir, httpHost, httpPort, agents, new ProcessSandbox(), null, null);
  }

  /**
   * Starts the fleet as above, its workers running local agents and suites in {@code local}, and
   * agents in containers of {@code containers}'s engine when the job names an image, or when {@code
   * defaultImage} is set.
   *
   * @param local the workers' process sandbox, shared by all of them
   * @param containers the workers' Docker sandbox, or null to run every agent as a local process
   * @param defaultImage the image of agents whose job names none, or null
   */
  static LocalFleet start(
      DevStackConfig stackConfig,
      Path workDir,
      String httpHost,
      int httpPort,
      int agents,
      ProcessSandbox local,
      DockerSandboxConfig containers,
      String defaultImage) {
    DevStack stack = DevStack.start(stackConfig);
    LocalFleet fleet = null;
    try {
      CoordinatorConfig config =
          CoordinatorConfig.defaults(
              stack.bootstrapServers(), stack.redisUri(), workDir.resolve("coordinator"));
      String token = newToken();
      HttpApi api =
          HttpApi.extension(
              ApiConfig.defaults(httpHost, httpPort).withTokens(ApiTokens.of(List.of(token))));
      Coordinator coordinator =
          Coordinator.create(
              config, Clock.systemUTC(), List.of(MergeGate.extension(GateConfig.defaults()), api));
      fleet = new LocalFleet(stack, coordinator, api, token);
      coordinator.start();
      for (int n = 1; n <= agents; n++) {
        fleet.addWorker("agent-" + n, workDir.resolve("workers"), local, containers, defaultImage);
      }
      return fleet;
    } catch (RuntimeException e) {
      if (fleet != null) {
        fleet.close();
      } else {
        stack.close();
      }
      throw e;
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private void addWorker(
      String name,
      Path dir,
      ProcessSandbox local,
      DockerSandboxConfig containers,
      String defaultImage) {
    WorkerConfig config =
        WorkerConfig.defaults(
                WorkerId.parse(name), stack.bootstrapServers(), stack.redisUri(), dir.resolve(name))
            .withSlots(1)
            .withDefaultImage(defaultImage);
    DockerSandbox sandbox = null;
    if (containers != null) {
      // One per worker: its containers carry the worker's id, which its sweep looks for.
      sandbox = DockerSandbox.connect(containers, config.workerId(), null);
      sandboxes.add(sandbox);
    }
    Worker worker = Worker.create(config, local, sandbox, Clock.systemUTC());
    workers.add(worker);
    worker.start();
  }

  String bootstrapServers() {
    return stack.bootstrapServers();
  }

  String redisUri() {
    return stack.redisUri();
  }

  Topics topics() {
    return Topics.DEFAULT;
  }

  /** The HTTP API's base URL, on the loopback address when it listens on every address. */
  String apiUrl(String httpHost) {
    String host = "0.0.0.0".equals(httpHost) ? "127.0.0.1" : httpHost;
    return "http://" + host + ":" + api.port();
  }

  /** Where the fleet serves, with its API token, for {@code fleetq submit}, status and jobs. */
  Endpoints endpoints(String httpHost) {
    return new Endpoints(apiUrl(httpHost), bootstrapServers(), token);
  }

  /** Stops the workers, then the coordinator, then the devstack. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      for (Worker worker : workers) {
        worker.close();
      }
      sandboxes.forEach(DockerSandbox::close);
      coordinator.close();
    } finally {
      stack.close();
    }
  }
}
