package dev.fleetq.coordinator.gate;

import static dev.fleetq.coordinator.gate.GateHarness.fix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.api.ApiConfig;
import dev.fleetq.coordinator.api.HttpApi;
import dev.fleetq.coordinator.gate.GateHarness.Candidate;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.Http;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.unit.UnitStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/gate/{repoId}} over HTTP, against a coordinator whose gate really gates: the queue
 * while a candidate is being tested, then the new baseline and the verdict.
 */
@WithDevStack
class GateRouteTest {
  @TempDir Path dir;
  private GateHarness harness;
  private Http http;

  @BeforeEach
  void startGateAndApi(DevStack stack, TestNamespace namespace) {
    HttpApi api = HttpApi.extension(ApiConfig.defaults("127.0.0.1", 0));
    harness =
        new GateHarness(
            stack, namespace, dir, config -> config.withMaxWait(Duration.ZERO), List.of(api));
    http = new Http(api::port);
  }

  @AfterEach
  void stopGate() {
    harness.close();
  }

  @Test
  void gateRouteShowsTheQueueThenTheNewBaselineAndTheVerdict() throws IOException {
    harness.savePlannersBaseline();
    String oldMain = harness.repo.mainHead();
    Candidate candidate = harness.candidate("r1", Map.ofEntries(fix(1)), List.of());
    Path release = dir.resolve("release");
    String testCommand =
        ("i=0; while [ ! -e %s ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done;"
                + " ./run-tests.sh")
            .formatted(release);
    String path = "/v1/gate/" + harness.repoId();

    harness.submit(harness.request(candidate, 1, testCommand));
    Harness.eventually()
        .atMost(GateHarness.VERDICT_WAIT)
        .until(() -> gate(path).getJsonObject("queue").getInteger("count") == 1);
    JsonObject testing = gate(path);
    Files.writeString(release, "go\n");
    assertThat(harness.awaitVerdict(candidate.key()).status())
        .as("verdict")
        .isEqualTo(UnitStatus.LANDED);
    JsonObject decided = gate(path);

    JsonObject queued = testing.getJsonObject("queue").getJsonArray("requests").getJsonObject(0);
    assertThat(queued.getString("unitId")).as("queued unit").isEqualTo("r1");
    assertThat(queued.getInteger("attempt")).as("queued attempt").isEqualTo(1);
    assertThat(queued.getString("candidateCommit"))
        .as("queued candidate")
        .isEqualTo(candidate.commit());
    assertThat(testing.getJsonObject("baseline").getString("commit"))
        .as("baseline while testing")
        .isEqualTo(oldMain);
    assertThat(testing.getJsonArray("recentVerdicts")).as("verdicts while testing").isEmpty();

    String newMain = harness.repo.mainHead();
    assertThat(decided.getString("repoId")).as("repository").isEqualTo(harness.repoId().value());
    assertThat(decided.getJsonObject("queue").getInteger("count"))
        .as("queue after the verdict")
        .isZero();
    assertThat(decided.getJsonObject("baseline").getString("commit"))
        .as("baseline after landing")
        .isEqualTo(newMain);
    assertThat(decided.getJsonObject("baseline").getJsonArray("passing").getList())
        .as("passing tests after landing")
        .containsExactly(
            ExampleRepo.testId(1),
            ExampleRepo.testId(4),
            ExampleRepo.testId(5),
            ExampleRepo.testId(6));
    JsonArray verdicts = decided.getJsonArray("recentVerdicts");
    assertThat(verdicts.size()).as("recent verdicts").isEqualTo(1);
    assertThat(verdicts.getJsonObject(0).getString("unitId")).as("verdict's unit").isEqualTo("r1");
    assertThat(verdicts.getJsonObject(0).getString("outcome"))
        .as("verdict's outcome")
        .isEqualTo("LANDED");
    assertThat(verdicts.getJsonObject(0).getString("landedCommit"))
        .as("verdict's landed commit")
        .isEqualTo(newMain);
  }

  @Test
  void unseenAndMalformedRepositoriesAreRefused() {
    HttpResponse<String> unseen = http.get("/v1/gate/never-seen-0badc0de");
    HttpResponse<String> malformed = http.get("/v1/gate/bad%20repo!");

    assertThat(unseen.statusCode()).as("unseen repository status").isEqualTo(404);
    assertThat(new JsonObject(unseen.body()).getString("error"))
        .as("unseen repository error")
        .contains("never-seen-0badc0de");
    assertThat(malformed.statusCode()).as("malformed id status").isEqualTo(400);
    assertThat(new JsonObject(malformed.body()).getString("path"))
        .as("malformed id path")
        .isEqualTo("repoId");
  }

  private JsonObject gate(String path) {
    HttpResponse<String> response = http.get(path);
    assertThat(response.statusCode()).as("status of %s (%s)", path, response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }
}
