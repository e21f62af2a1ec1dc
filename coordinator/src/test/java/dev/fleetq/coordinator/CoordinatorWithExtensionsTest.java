package dev.fleetq.coordinator;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fleetq.coordinator.api.ApiConfig;
import dev.fleetq.coordinator.api.HttpApi;
import dev.fleetq.coordinator.gate.GateConfig;
import dev.fleetq.coordinator.gate.MergeGate;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.Http;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.job.ExplicitUnitsPlan;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One coordinator as a deployable wires it: the core, the gate and the HTTP API. */
@WithDevStack
class CoordinatorWithExtensionsTest {
  @TempDir Path dir;

  @Test
  void jobSubmittedOverHttpIsShownRunningWithItsUnitsPublished(
      DevStack stack, TestNamespace namespace) {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 2, 1);
    try (Harness harness = new Harness(stack, namespace, dir.resolve("work"))) {
      HttpApi api = HttpApi.extension(ApiConfig.defaults("127.0.0.1", 0));
      GateConfig gate =
          GateConfig.defaults().withGroupId(namespace.group(GateConfig.DEFAULT_GROUP_ID));
      harness.start(List.of(MergeGate.extension(gate), api));
      Http http = new Http(api::port);

      HttpResponse<String> submitted = http.post("/v1/jobs", Json.encodeToString(twoUnits(repo)));

      assertThat(submitted.statusCode()).as("submit (%s)", submitted.body()).isEqualTo(202);
      String id = new JsonObject(submitted.body()).getString("jobId");
      eventually().until(() -> status(http, id) == JobStatus.RUNNING);
      JobState job = Json.decode(http.get("/v1/jobs/" + id).body(), JobState.class);
      JsonObject units = new JsonObject(http.get("/v1/jobs/" + id + "/units").body());
      assertThat(job.unitCount()).as("unit count").isEqualTo(2);
      assertThat(job.counts()).as("units per status").isEqualTo(Map.of(UnitStatus.PUBLISHED, 2));
      assertThat(
              units.getJsonArray("units").stream().map(u -> ((JsonObject) u).getString("status")))
          .as("units' statuses")
          .containsExactly("PUBLISHED", "PUBLISHED");
      HttpResponse<String> ready = http.get("/readyz");
      assertThat(ready.statusCode()).as("readyz (%s)", ready.body()).isEqualTo(200);
    }
  }

  @Test
  void aSecondCoordinatorWhosePortIsTakenFailsBeforeItJoinsTheRunningOnesGroups(
      DevStack stack, TestNamespace namespace) {
    try (Harness harness = new Harness(stack, namespace, dir.resolve("work"))) {
      HttpApi api = HttpApi.extension(ApiConfig.defaults("127.0.0.1", 0));
      GateConfig gate =
          GateConfig.defaults().withGroupId(namespace.group(GateConfig.DEFAULT_GROUP_ID));
      Coordinator running = harness.start(List.of(MergeGate.extension(gate), api));
      eventually().until(() -> scrape(running).sum("fleetq_gate_partitions") > 0);
      double owned = scrape(running).sum("fleetq_gate_partitions");
      Coordinator second =
          Coordinator.create(
              harness.config(),
              Clock.systemUTC(),
              List.of(
                  MergeGate.extension(gate),
                  HttpApi.extension(ApiConfig.defaults("127.0.0.1", api.port()))));

      assertThatThrownBy(second::start)
          .as("start of a coordinator whose port is taken")
          .hasMessageContaining("could not listen on 127.0.0.1:" + api.port());
      second.close();

      await("the running gate keeps its partitions")
          .during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                Scrape now = scrape(running);
                assertThat(now.sum("fleetq_gate_partitions_revoked_total"))
                    .as("partitions the running gate handed over")
                    .isZero();
                assertThat(now.sum("fleetq_gate_partitions"))
                    .as("partitions the running gate owns")
                    .isEqualTo(owned);
              });
    }
  }

  private static Scrape scrape(Coordinator coordinator) {
    return Scrape.of(
        PrometheusTextFormatWriter.create()
            .toDebugString(coordinator.services().metrics().registry().scrape()));
  }

  private static JobSpec twoUnits(ExampleRepo repo) {
    return new JobSpec(
        null,
        new RepoSpec(repo.url(), "main"),
        new ExplicitUnitsPlan(
            List.of(ModelFixtures.aUnitSpec("u1"), ModelFixtures.aUnitSpec("u2"))),
        ModelFixtures.anAgentSpec(),
        new GateSpec(
            ExampleRepo.TEST_COMMAND, List.of(ExampleRepo.REPORT_GLOB), Duration.ofMinutes(1)),
        0,
        Map.of());
  }

  private static JobStatus status(Http http, String id) {
    HttpResponse<String> response = http.get("/v1/jobs/" + id);
    return response.statusCode() == 200
        ? Json.decode(response.body(), JobState.class).status()
        : null;
  }
}
