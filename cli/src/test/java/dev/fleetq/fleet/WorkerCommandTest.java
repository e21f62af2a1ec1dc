package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.cli.FleetqProcess;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetq worker} as an operator runs it: a process of its own, stopped by a signal. */
@WithDevStack
class WorkerCommandTest {
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  @Test
  void unreachableBrokerEndsWithOneSentenceNamingTheAddress(@TempDir Path dir) throws Exception {
    int closedPort = FleetqProcess.closedPort();
    Path output = dir.resolve("output.txt");

    FleetqProcess.Ended ended =
        FleetqProcess.run(output, "worker", "--kafka", "127.0.0.1:" + closedPort, "--id", "w1");

    assertThat(ended.status()).as("exit status (output: %s)", ended.output()).isEqualTo(2);
    assertThat(ended.output())
        .as("what the operator sees")
        .contains("fleetq worker: cannot reach Kafka at 127.0.0.1:" + closedPort)
        .doesNotContain("Exception");
  }

  @Test
  void helpListsTheDockerSandboxFlagsWithTheirVariablesAndDefaults(@TempDir Path dir)
      throws Exception {
    Path output = dir.resolve("help.txt");

    Process process = FleetqProcess.builder(output, "worker", "--help").start();

    assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("exited in time").isTrue();
    String help = Files.readString(output, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    assertThat(process.exitValue()).as("exit status (output: %s)", help).isZero();
    assertThat(help)
        .as("worker --help")
        .contains(
            "--docker-host",
            "FLEETQ_DOCKER_HOST, else DOCKER_HOST",
            "--agent-image",
            "FLEETQ_AGENT_IMAGE",
            "--agent-networks",
            "FLEETQ_AGENT_NETWORKS; default none",
            "--agent-cpus",
            "FLEETQ_AGENT_CPUS; default 2",
            "--agent-memory",
            "FLEETQ_AGENT_MEMORY; default 4g",
            "--agent-pids",
            "FLEETQ_AGENT_PIDS; default 1024",
            "--[no-]agent-read-only",
            "FLEETQ_AGENT_READ_ONLY; default false",
            "--agent-secrets-dir",
            "FLEETQ_AGENT_SECRETS_DIR");
  }

  @Test
  void anExecutorWithFewerAgentUidsThanSuiteSlotsEndsWithOneSentenceNamingThem(
      DevStack stack, @TempDir Path dir) throws Exception {
    FleetqProcess.Ended ended =
        FleetqProcess.run(
            dir.resolve("output.txt"),
            "executor",
            "--kafka",
            stack.bootstrapServers(),
            "--redis",
            stack.redisUri(),
            "--work-dir",
            dir.resolve("work").toString(),
            "--suite-slots",
            "2",
            "--agent-uids",
            "61000-61000");

    assertThat(ended.status()).as("exit status (output: %s)", ended.output()).isEqualTo(2);
    assertThat(ended.output())
        .as("what the operator sees")
        .contains(
            "fleetq executor: --agent-uids 61000-61000 holds 1 uids, fewer than the 2 commands")
        .doesNotContain("Exception");
  }

  @Test
  void aTakenMetricsPortEndsWithOneSentenceNamingIt(DevStack stack, @TempDir Path dir)
      throws Exception {
    openToAgentUids(dir);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      FleetqProcess.Ended ended =
          FleetqProcess.run(
              dir.resolve("output.txt"),
              "worker",
              "--kafka",
              stack.bootstrapServers(),
              "--redis",
              stack.redisUri(),
              "--id",
              "w-port",
              "--work-dir",
              dir.resolve("work").toString(),
              "--docker-host",
              "",
              "--metrics-host",
              "127.0.0.1",
              "--metrics-port",
              Integer.toString(taken.getLocalPort()));

      assertThat(ended.status()).as("exit status (output: %s)", ended.output()).isEqualTo(2);
      assertThat(ended.output())
          .as("what the operator sees")
          .contains("fleetq worker: cannot serve /metrics on 127.0.0.1:" + taken.getLocalPort())
          .doesNotContain("Exception");
    }
  }

  @Test
  void unreachableDockerEngineEndsWithOneSentenceNamingTheAddress(DevStack stack, @TempDir Path dir)
      throws Exception {
    int closedPort = FleetqProcess.closedPort();
    Path output = dir.resolve("output.txt");

    FleetqProcess.Ended ended =
        FleetqProcess.run(
            output,
            "worker",
            "--kafka",
            stack.bootstrapServers(),
            "--redis",
            stack.redisUri(),
            "--id",
            "w-docker",
            "--work-dir",
            dir.resolve("work").toString(),
            "--docker-host",
            "tcp://127.0.0.1:" + closedPort);

    assertThat(ended.status()).as("exit status (output: %s)", ended.output()).isEqualTo(2);
    assertThat(ended.output())
        .as("what the operator sees")
        .contains("fleetq worker: cannot reach the Docker engine at tcp://127.0.0.1:" + closedPort)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void agentImageWithoutADockerEngineOrANetworkThatSharesTheHostIsRefusedAtStart(@TempDir Path dir)
      throws Exception {
    Path withoutEngine = dir.resolve("without-engine.txt");
    Path hostNetwork = dir.resolve("host-network.txt");

    Process noEngine =
        FleetqProcess.builder(
                withoutEngine, "worker", "--docker-host=", "--agent-image", "acme/agent:1")
            .start();
    Process host =
        FleetqProcess.builder(
                hostNetwork,
                "worker",
                "--docker-host",
                "unix:///nonexistent/docker.sock",
                "--agent-networks",
                "none,host")
            .start();

    assertThat(noEngine.waitFor(1, TimeUnit.MINUTES)).as("exited in time").isTrue();
    assertThat(host.waitFor(1, TimeUnit.MINUTES)).as("exited in time").isTrue();
    assertThat(noEngine.exitValue()).as("exit status without an engine").isEqualTo(2);
    assertThat(Files.readString(withoutEngine, StandardCharsets.UTF_8))
        .as("what the operator sees without an engine")
        .contains("fleetq worker: --agent-image acme/agent:1 needs a Docker engine")
        .doesNotContain("Exception");
    assertThat(host.exitValue()).as("exit status when allowing host").isEqualTo(2);
    assertThat(Files.readString(hostNetwork, StandardCharsets.UTF_8))
        .as("what the operator sees when allowing host")
        .contains("fleetq worker: networks[host]: must not be host")
        .doesNotContain("Exception");
  }

  @Test
  void sigtermHandsTheRunningUnitBackAndExits(DevStack stack, TestNamespace ns, @TempDir Path dir)
      throws Exception {
    openToAgentUids(dir);
    ExampleRepo repo = ExampleRepo.create(dir, 1, 0);
    Path pids = dir.resolve("pids");
    JobId job = JobId.parse("job-sigterm");
    Process worker = null;
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      worker =
          FleetqProcess.builder(
                  dir.resolve("worker.log"),
                  "worker",
                  "--kafka",
                  stack.bootstrapServers(),
                  "--redis",
                  stack.redisUri(),
                  "--id",
                  "signalled",
                  "--work-dir",
                  dir.resolve("signalled").toString(),
                  "--topic-prefix",
                  ns.topicPrefix(),
                  "--key-prefix",
                  ns.keyPrefix(),
                  "--shutdown-grace",
                  "PT2S",
                  "--metrics-host",
                  "127.0.0.1",
                  "--metrics-port",
                  "0")
              .start();
      fleet.submit(
          job.value(),
          Jobs.explicitUnits(
                  job.value(),
                  repo,
                  SleepingAgent.write(dir.resolve("agent"), pids, 300).command(),
                  1)
              .replace("\"maxAttempts\": 1", "\"maxAttempts\": 2"));
      await()
          .atMost(PATIENCE)
          .until(() -> fleet.trail().countByStatus(job).getOrDefault(UnitStatus.RUNNING, 0L) == 1);
      int statusPort = statusPort(dir.resolve("worker.log"));
      assertThat(get(statusPort, "/healthz").statusCode()).as("/healthz").isEqualTo(200);
      HttpResponse<String> metrics = get(statusPort, "/metrics");
      assertThat(Scrape.of(metrics.body()).sum("fleetq_worker_busy_slots", "worker", "signalled"))
          .as("busy slots the process reports")
          .isEqualTo(1);

      worker.destroy();

      assertThat(worker.waitFor(1, TimeUnit.MINUTES)).as("worker exited after SIGTERM").isTrue();
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(fleet.trail().units(job))
                      .as("events after SIGTERM")
                      .anySatisfy(
                          e -> {
                            assertThat(e.status()).isEqualTo(UnitStatus.RETRYING);
                            assertThat(e.reason()).isEqualTo(Reason.WORKER_SHUTDOWN);
                            assertThat(e.worker()).isEqualTo(WorkerId.parse("signalled"));
                          })
                      .anySatisfy(
                          e -> {
                            assertThat(e.status()).isEqualTo(UnitStatus.PUBLISHED);
                            assertThat(e.attempt()).isEqualTo(2);
                          }));
      assertThat(SleepingAgent.alive(pids)).as("agents alive after the worker stopped").isEmpty();
    } finally {
      if (worker != null) {
        worker.destroyForcibly();
      }
    }
  }

  /**
   * Lets a root worker's agent uids pass through the test's directory ({@code @TempDir} makes it
   * {@code 0700}), as an operator's work directory lets them.
   */
  private static void openToAgentUids(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
  }

  /** The port the worker process printed for its status server. */
  private static int statusPort(Path log) throws IOException {
    Pattern line = Pattern.compile("/metrics, /healthz and /readyz on 127\\.0\\.0\\.1:(\\d+)");
    Matcher found = line.matcher(Files.readString(log, StandardCharsets.UTF_8));
    assertThat(found.find()).as("the worker names its status port in %s", log).isTrue();
    return Integer.parseInt(found.group(1));
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
