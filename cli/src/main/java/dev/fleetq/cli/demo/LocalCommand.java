package dev.fleetq.cli.demo;

import dev.fleetq.cli.AgentUidsChoice;
import dev.fleetq.cli.DockerOptions;
import dev.fleetq.cli.Endpoints;
import dev.fleetq.devstack.DevStackConfig;
import dev.fleetq.devstack.EmbeddedKafkaConfig;
import dev.fleetq.devstack.EmbeddedRedisConfig;
import dev.fleetq.exec.sandbox.AgentUids;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleetq local}: the demo's stack without the example, until Ctrl-C: the devstack with its
 * Kafka log under a data directory, a coordinator with the gate and the HTTP API, and N agents.
 * While it runs, {@code <data-dir>/endpoints.json} holds the API's URL and token and Kafka's
 * address, where {@code fleetq submit}, {@code status} and {@code jobs} look when given no flags;
 * it is removed when the fleet stops. With a Docker engine (the same flags as {@code fleetq
 * worker}) the agents whose job names an image run in containers. Runs on the main thread until
 * signalled.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run Kafka, Redis, a coordinator and workers in one process, until Ctrl-C.")
public final class LocalCommand implements Callable<Integer> {
  @Option(
      names = "--agents",
      defaultValue = "4",
      description = "Workers, one slot each (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(
      names = "--data-dir",
      defaultValue = ".fleetq/local",
      description = "Kafka's log and the fleet's work directories (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--http-host",
      defaultValue = "127.0.0.1",
      description = "Address the HTTP API listens on (default ${DEFAULT-VALUE}).")
  String httpHost;

  @Option(
      names = "--http-port",
      defaultValue = "${env:FLEETQ_HTTP_PORT:-8080}",
      description = "Port of the HTTP API (env FLEETQ_HTTP_PORT; default ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--agent-uids",
      defaultValue = "${env:FLEETQ_AGENT_UIDS:-off}",
      description =
          "Uids that agents and suites run as, FIRST-LAST, or 'auto' ("
              + AgentUids.DEFAULT_RANGE
              + " when root); 'off' runs them as you, on your own machine (env FLEETQ_AGENT_UIDS;"
              + " default ${DEFAULT-VALUE}).")
  String agentUids;

  @Mixin DockerOptions docker;

  @Override
  public Integer call() throws InterruptedException, IOException {
    if (agents < 1) {
      System.err.println("fleetq local: --agents must be at least 1");
      return 2;
    }
    DockerSandboxConfig containers;
    try {
      containers = docker.settings("local").orElse(null);
      if (containers != null) {
        DockerOptions.requireEngine("local", containers);
      }
    } catch (DockerOptions.Refused e) {
      return 2;
    }
    Path data = dataDir.toAbsolutePath();
    ProcessSandbox local;
    try {
      // Each worker has one unit slot and one suite slot.
      local = AgentUidsChoice.sandbox(agentUids, 2 * agents, data.resolve("work"));
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("fleetq local: " + e.getMessage());
      return 2;
    }
    DemoLogging.quietBroker();
    DevStackConfig stack =
        DevStackConfig.defaults()
            .withKafka(EmbeddedKafkaConfig.defaults().withDataDir(data.resolve("kafka")))
            .withRedis(EmbeddedRedisConfig.defaults().withDataDir(data.resolve("redis")));
    try (LocalFleet fleet =
        LocalFleet.start(
            stack,
            data.resolve("work"),
            httpHost,
            httpPort,
            agents,
            local,
            containers,
            docker.image())) {
      Path endpoints = data.resolve(Endpoints.FILE_NAME);
      fleet.endpoints(httpHost).write(endpoints);
      System.out.println("fleetq local: " + agents + " agents, data in " + data);
      System.out.println("  API      " + fleet.apiUrl(httpHost));
      System.out.println("  Token    in " + endpoints);
      System.out.println("  Kafka    " + fleet.bootstrapServers());
      System.out.println("  Redis    " + fleet.redisUri());
      if (containers != null) {
        System.out.println("  Docker   " + containers.dockerHost());
      }
      System.out.println("Ctrl-C stops it.");
      System.out.flush();
      try {
        UntilInterrupted.await();
      } finally {
        System.out.println("fleetq local: stopping");
        Files.deleteIfExists(endpoints);
      }
    }
    return 0;
  }
}
