package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.testing.Agents;
import dev.fleetq.worker.testing.TestUnits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's own port: Prometheus metrics of its work, and the probes Kubernetes asks. */
@WithDevStack
class StatusServerTest {
  private static final JobId JOB = JobId.parse("job-status");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

  @TempDir Path dir;
  private Fleet fleet;
  private ExampleRepo repo;
  private StatusServer status;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) {
    fleet = new Fleet(stack, namespace, dir, 1);
    repo = ExampleRepo.create(dir.resolve("repo"), 2, 0);
  }

  @AfterEach
  void closeFleet() {
    if (status != null) {
      status.close();
    }
    fleet.close();
  }

  @Test
  void metricsCountClaimsPushesAndFailuresOfTheWorkerByReason() throws Exception {
    String fixer = ScriptedAgent.fixer(dir.resolve("fixer")).command();
    WorkUnit fixed = TestUnits.aUnit(repo, JOB, 1, fixer);
    WorkUnit failed = TestUnits.aUnit(repo, JOB, 2, Agents.failing(dir.resolve("failing"), 3));
    Worker worker = fleet.start("w-status");
    status = StatusServer.start(worker, "127.0.0.1", 0);

    fleet.publish(fixed);
    fleet.publish(failed);
    await("both attempts ended")
        .atMost(Fleet.PATIENCE)
        .until(
            () ->
                fleet.statuses(fixed.key()).contains(UnitStatus.PUSHED)
                    && fleet.statuses(failed.key()).contains(UnitStatus.RETRYING));
    await("the slot is free again").atMost(Fleet.PATIENCE).until(() -> worker.busySlots() == 0);

    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).as("status of /metrics").isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .as("content type")
        .startsWith("text/plain");
    Scrape scrape = Scrape.of(response.body());
    String[] worker1 = {"worker", "w-status"};
    assertThat(scrape.sum("fleetq_units_claimed_total", worker1)).as("claimed").isEqualTo(2);
    assertThat(scrape.sum("fleetq_units_pushed_total", worker1)).as("pushed").isEqualTo(1);
    assertThat(
            scrape.sum(
                "fleetq_attempts_failed_total", "worker", "w-status", "reason", "AGENT_FAILED"))
        .as("failed with AGENT_FAILED")
        .isEqualTo(1);
    assertThat(scrape.sum("fleetq_attempts_failed_total", worker1))
        .as("failed for any reason")
        .isEqualTo(1);
    assertThat(scrape.sum("fleetq_unit_duration_seconds_count", "outcome", "pushed"))
        .as("pushed attempts timed")
        .isEqualTo(1);
    assertThat(scrape.sum("fleetq_unit_duration_seconds_count", "outcome", "failed"))
        .as("failed attempts timed")
        .isEqualTo(1);
    assertThat(scrape.sum("fleetq_agent_run_seconds_count", worker1)).as("agent runs").isEqualTo(2);
    assertThat(scrape.sum("fleetq_claim_latency_seconds_count", worker1))
        .as("claims timed")
        .isEqualTo(2);
    assertThat(scrape.sum("fleetq_worker_slots", worker1)).as("slots").isEqualTo(1);
    assertThat(scrape.sum("fleetq_worker_busy_slots", worker1)).as("busy slots").isEqualTo(0);
  }

  @Test
  void probesSayAliveAndReadyWhileTheWorkerRunsAndNotAfterItStopped() throws Exception {
    Worker worker = fleet.start("w-probe");
    status = StatusServer.start(worker, "127.0.0.1", 0);

    await("ready").atMost(Fleet.PATIENCE).until(() -> get("/readyz").statusCode() == 200);
    assertThat(get("/healthz").statusCode()).as("/healthz while running").isEqualTo(200);
    assertThat(get("/nowhere").statusCode()).as("an unknown path").isEqualTo(404);

    worker.close();

    assertThat(get("/healthz").statusCode()).as("/healthz after close").isEqualTo(503);
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).as("/readyz after close").isEqualTo(503);
    assertThat(ready.body()).as("/readyz body").contains("not running");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + status.port() + path))
            .timeout(REQUEST_TIMEOUT)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
