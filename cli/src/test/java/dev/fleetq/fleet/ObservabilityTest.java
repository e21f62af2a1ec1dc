package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.worker.StatusServer;
import dev.fleetq.worker.Worker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet as Grafana sees it: every metric the dashboard queries is exported by a running
 * coordinator or worker, and a real Prometheus scraping a fleet that ran a job reads the landings
 * per worker back.
 */
@WithDevStack
class ObservabilityTest {
  private static final Path DASHBOARD =
      Path.of("..", "infra", "grafana", "dashboards", "fleetq.json");
  private static final Pattern METRIC = Pattern.compile("\\bfleetq_[a-z_]+");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration PROMETHEUS_PATIENCE = Duration.ofSeconds(90);
  private static final int UNITS = 3;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  private final List<StatusServer> statusServers = new ArrayList<>();

  @AfterEach
  void closeStatusServers() {
    statusServers.forEach(StatusServer::close);
  }

  @Test
  void everyMetricTheDashboardQueriesIsExportedByTheCoordinatorOrAWorker(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    Set<String> queried = dashboardMetrics();
    assertThat(queried).as("metrics the dashboard queries").hasSizeGreaterThanOrEqualTo(8);
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      List<Integer> workerPorts = startWorkers(fleet, 2);
      runJob(fleet, dir, "job-dashboard");
      // What the dashboard draws when things go wrong: a record set aside, an attempt that failed.
      fleet.submit("job-malformed", "{\"repo\": ");
      ExampleRepo failing = ExampleRepo.create(dir.resolve("job-failing"), 1, 0);
      fleet.submit(
          "job-failing",
          Jobs.failingTests(
              "job-failing",
              failing,
              ScriptedAgent.quitter(dir.resolve("failing-agent")).command(),
              1));
      assertThat(FanOutTest.awaitEnd(fleet, JobId.parse("job-failing")).status())
          .as("the job whose agent fails")
          .isEqualTo(JobStatus.FAILED);

      Set<String> exported = new TreeSet<>(scrape(fleet.apiPort()).names());
      for (int port : workerPorts) {
        exported.addAll(scrape(port).names());
      }
      assertThat(exported)
          .as("series exported by the coordinator and the workers")
          .containsAll(queried);
    }
  }

  @Test
  void prometheusScrapingTheFleetReadsUnitsLandedPerWorker(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    Path binary = PrometheusServer.binary().orElse(null);
    Assumptions.assumeTrue(
        binary != null,
        "no prometheus binary on PATH (Debian package prometheus; .ci/run installs it)");
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      List<Integer> workerPorts = startWorkers(fleet, 2);
      Path promDir = Files.createDirectories(dir.resolve("prometheus"));
      try (PrometheusServer prometheus =
          PrometheusServer.start(
              binary,
              promDir,
              Map.of(
                  "fleetq-coordinator", List.of("127.0.0.1:" + fleet.apiPort()),
                  "fleetq-worker",
                      workerPorts.stream().map(port -> "127.0.0.1:" + port).toList()))) {
        await("Prometheus ready").atMost(PROMETHEUS_PATIENCE).until(prometheus::ready);

        runJob(fleet, dir, "job-prometheus");

        Map<Map<String, String>, Double> perWorker =
            await("Prometheus has every landing")
                .atMost(PROMETHEUS_PATIENCE)
                .until(
                    () -> prometheus.query("sum by (worker) (fleetq_units_landed_total)"),
                    series ->
                        series.values().stream().mapToDouble(Double::doubleValue).sum() == UNITS);
        assertThat(perWorker.keySet())
            .as("workers of the landed series")
            .allSatisfy(
                labels -> assertThat(labels.get("worker")).as("worker label").startsWith("agent-"));
        // Each target's first scrape comes at its own offset: wait for the workers' too.
        await("Prometheus scraped the coordinator and both workers (log: %s)".formatted(promDir))
            .atMost(PROMETHEUS_PATIENCE)
            .until(() -> prometheus.query("up == 1").size() == 3);
        await("Prometheus has every claim, from the workers")
            .atMost(PROMETHEUS_PATIENCE)
            .until(
                () -> prometheus.query("sum(fleetq_units_claimed_total)").values(),
                claims -> claims.contains((double) UNITS));
      }
    }
  }

  private List<Integer> startWorkers(Fleet fleet, int count) {
    List<Integer> ports = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      Worker worker = fleet.addWorker("agent-" + n, 1);
      StatusServer status = StatusServer.start(worker, "127.0.0.1", 0);
      statusServers.add(status);
      ports.add(status.port());
    }
    return ports;
  }

  private static void runJob(Fleet fleet, Path dir, String id) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir.resolve(id), UNITS, 2);
    JobId job = JobId.parse(id);
    fleet.submit(
        id,
        Jobs.failingTests(id, repo, ScriptedAgent.fixer(dir.resolve(id + "-agent")).command(), 3));
    JobState done = FanOutTest.awaitEnd(fleet, job);
    assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
  }

  private Scrape scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("status of /metrics on %d", port).isEqualTo(200);
    return Scrape.of(response.body());
  }

  /** The metric names in the dashboard's queries, as exported: histograms by their buckets. */
  private static Set<String> dashboardMetrics() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher metric = METRIC.matcher(expr.asText());
      while (metric.find()) {
        names.add(metric.group());
      }
    }
    return names;
  }
}
