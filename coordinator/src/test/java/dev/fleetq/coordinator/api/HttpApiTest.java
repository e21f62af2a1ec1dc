package dev.fleetq.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API, run by a coordinator as its extension, against the real broker and Redis, called
 * over HTTP.
 */
@WithDevStack
class HttpApiTest {
  private static final int BODY_LIMIT = 64 * 1024;
  private static final String MINIMAL_JOB =
      """
      {
        "repo": { "url": "https://github.com/acme/calculator.git" },
        "plan": { "kind": "failing-tests", "testCommand": "mvn -B -q test" },
        "agent": { "command": "./fix-one-test.sh" }
      }
      """;

  @TempDir Path dir;
  private ApiHarness api;

  @BeforeEach
  void startApi(DevStack stack, TestNamespace namespace) {
    this.api =
        new ApiHarness(
            stack.bootstrapServers(), stack.redisUri(), namespace, dir.resolve("work"), BODY_LIMIT);
  }

  @AfterEach
  void stopApi() {
    api.close();
  }

  @Test
  void validJobIsAcceptedAndProducedToTheJobsTopicUnderItsNewId() {
    HttpResponse<String> response = api.post("/v1/jobs", MINIMAL_JOB);

    assertThat(response.statusCode()).as("status (%s)", response.body()).isEqualTo(202);
    String jobId = new JsonObject(response.body()).getString("jobId");
    assertThat(jobId).as("drawn id").startsWith(JobId.RANDOM_PREFIX);
    ConsumerRecord<byte[], byte[]> record = awaitRecord(api.topics.jobs(), jobId);
    assertThat(Json.decode(record.value(), JobSpec.class).id())
        .as("id in the produced job")
        .isEqualTo(JobId.parse(jobId));
  }

  @Test
  void metricsCountTheJobsIntakeAcceptedInThePrometheusTextFormat() {
    HttpResponse<String> before = api.get("/metrics");
    assertThat(before.statusCode()).as("status of /metrics").isEqualTo(200);
    assertThat(before.headers().firstValue("Content-Type").orElse(""))
        .as("content type")
        .startsWith("text/plain; version=0.0.4");
    assertThat(Scrape.of(before.body()).sum("fleetq_jobs_submitted_total"))
        .as("jobs before any was submitted")
        .isZero();

    api.post("/v1/jobs", new JsonObject(MINIMAL_JOB).put("id", "counted-1").encode());

    await("the accepted job counted")
        .atMost(Duration.ofSeconds(60))
        .until(() -> Scrape.of(api.get("/metrics").body()).sum("fleetq_jobs_submitted_total") == 1);
  }

  @Test
  void jobWithItsOwnIdKeepsIt() {
    String body = new JsonObject(MINIMAL_JOB).put("id", "nightly-7").encode();

    HttpResponse<String> response = api.post("/v1/jobs", body);

    assertThat(response.statusCode()).as("status (%s)", response.body()).isEqualTo(202);
    assertThat(new JsonObject(response.body()).getString("jobId"))
        .as("job id")
        .isEqualTo("nightly-7");
    assertThat(TopicTail.key(awaitRecord(api.topics.jobs(), "nightly-7")))
        .as("record key")
        .isEqualTo("nightly-7");
  }

  @Test
  void badJobsAreRefusedNamingTheOffendingField() {
    Map<String, String> expectedPaths =
        Map.of(
            "{\"repo\": ",
            "$",
            MINIMAL_JOB.replace(
                "\"repo\": { \"url\": \"https://github.com/acme/calculator.git\" },", ""),
            "repo",
            new JsonObject(MINIMAL_JOB).put("priority", "5").encode(),
            "priority",
            new JsonObject(MINIMAL_JOB).put("repo", 42).encode(),
            "repo");

    for (Map.Entry<String, String> bad : expectedPaths.entrySet()) {
      HttpResponse<String> response = api.post("/v1/jobs", bad.getKey());
      JsonObject error = new JsonObject(response.body());

      assertThat(response.statusCode()).as("status for %s", bad.getKey()).isEqualTo(400);
      assertThat(error.getString("path")).as("path for %s", bad.getKey()).isEqualTo(bad.getValue());
      assertThat(error.getString("error"))
          .as("error for %s", bad.getKey())
          .isEqualTo(bad.getValue() + ": " + error.getString("problem"));
    }
  }

  @Test
  void bodyOverTheLimitIsRefusedAsTooLarge() {
    String huge = "{\"labels\": {\"x\": \"" + "a".repeat(BODY_LIMIT) + "\"}}";

    HttpResponse<String> response = api.post("/v1/jobs", huge);

    assertThat(response.statusCode()).as("status").isEqualTo(413);
    assertThat(new JsonObject(response.body()).getString("error")).as("error").contains("limit");
  }

  @Test
  void unknownAndMalformedJobIdsAreRefused() {
    HttpResponse<String> unknown = api.get("/v1/jobs/no-such-job");
    HttpResponse<String> malformed = api.get("/v1/jobs/bad%20id!");
    HttpResponse<String> unknownUnits = api.get("/v1/jobs/no-such-job/units");
    HttpResponse<String> unknownCancel = api.post("/v1/jobs/no-such-job/cancel", "");

    assertThat(unknown.statusCode()).as("unknown job status").isEqualTo(404);
    assertThat(unknown.body()).as("unknown job error").contains("no-such-job");
    assertThat(malformed.statusCode()).as("malformed id status").isEqualTo(400);
    assertThat(new JsonObject(malformed.body()).getString("path"))
        .as("malformed id path")
        .isEqualTo("id");
    assertThat(unknownUnits.statusCode()).as("units of an unknown job").isEqualTo(404);
    assertThat(unknownCancel.statusCode()).as("cancel of an unknown job").isEqualTo(404);
  }

  @Test
  void jobsAndTheirUnitsAreReadFromTheProjection() {
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    api.project(job("older", JobStatus.SUCCEEDED, now.minusSeconds(60)));
    api.project(job("newer", JobStatus.RUNNING, now));
    api.project(
        new UnitState(
            JobId.parse("newer"),
            UnitId.parse("u1"),
            "fix t01",
            UnitStatus.RUNNING,
            1,
            null,
            List.of(),
            null,
            now));

    JsonObject newer = new JsonObject(api.get("/v1/jobs/newer").body());
    JsonObject list = new JsonObject(api.get("/v1/jobs").body());
    JsonObject limited = new JsonObject(api.get("/v1/jobs?limit=1").body());
    JsonObject units = new JsonObject(api.get("/v1/jobs/newer/units").body());
    HttpResponse<String> badLimit = api.get("/v1/jobs?limit=zero");

    assertThat(newer.getString("status")).as("job status").isEqualTo("RUNNING");
    assertThat(newer.getJsonObject("counts").getInteger("RUNNING"))
        .as("running units")
        .isEqualTo(1);
    assertThat(list.getJsonArray("jobs").stream().map(j -> ((JsonObject) j).getString("jobId")))
        .as("jobs, newest first")
        .containsExactly("newer", "older");
    assertThat(limited.getJsonArray("jobs").size()).as("jobs with limit 1").isEqualTo(1);
    assertThat(units.getJsonArray("units").getJsonObject(0).getString("unitId"))
        .as("unit")
        .isEqualTo("u1");
    assertThat(badLimit.statusCode()).as("bad limit status").isEqualTo(400);
    assertThat(new JsonObject(badLimit.body()).getString("path"))
        .as("bad limit path")
        .isEqualTo("limit");
  }

  @Test
  void cancellingARunningJobProducesACancelledJobEvent() {
    api.project(job("to-cancel", JobStatus.RUNNING, Instant.now()));
    api.project(job("finished", JobStatus.SUCCEEDED, Instant.now()));

    HttpResponse<String> cancelled = api.post("/v1/jobs/to-cancel/cancel", "");
    HttpResponse<String> finished = api.post("/v1/jobs/finished/cancel", "");

    assertThat(cancelled.statusCode()).as("cancel status (%s)", cancelled.body()).isEqualTo(202);
    Event event = Json.decode(awaitRecord(api.topics.events(), "to-cancel").value(), Event.class);
    assertThat(event).as("event").isInstanceOf(JobEvent.class);
    assertThat(((JobEvent) event).status()).as("event status").isEqualTo(JobStatus.CANCELLED);
    assertThat(((JobEvent) event).unitCount()).as("event unit count").isEqualTo(1);
    assertThat(finished.statusCode()).as("cancel of a finished job").isEqualTo(409);
  }

  @Test
  void healthIsAlwaysServed() {
    assertThat(api.get("/healthz").statusCode()).as("healthz").isEqualTo(200);
    assertThat(api.get("/readyz").statusCode()).as("readyz").isEqualTo(200);
  }

  private static JobState job(String id, JobStatus status, Instant submitted) {
    return new JobState(
        JobId.parse(id),
        status,
        1,
        Map.of(UnitStatus.RUNNING, 1),
        0,
        0,
        null,
        submitted,
        submitted);
  }

  /** The first record with the key on any partition of the topic, waiting for it. */
  private ConsumerRecord<byte[], byte[]> awaitRecord(String topic, String key) {
    TopicTail tail = api.harness.tail(topic);
    Harness.eventually()
        .atMost(Duration.ofSeconds(30))
        .until(() -> tail.records().stream().anyMatch(record -> key.equals(TopicTail.key(record))));
    return tail.records().stream()
        .filter(record -> key.equals(TopicTail.key(record)))
        .findFirst()
        .orElseThrow();
  }
}
