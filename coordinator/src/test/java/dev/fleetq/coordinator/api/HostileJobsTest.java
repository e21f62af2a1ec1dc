package dev.fleetq.coordinator.api;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.wire.DeadLetterHeaders;
import dev.fleetq.model.wire.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of hostile job documents, as an attacker or a broken client sends them: malformed JSON,
 * wrong types, deep nesting, oversized strings, unicode tricks, git URLs that smuggle options or
 * remote helpers, ids with path or shell metacharacters. Each goes to {@code POST /v1/jobs}, which
 * must refuse it with a 4xx naming the offending field, and to the jobs topic, where the intake
 * must dead-letter it naming the same field; a good job sent after all of them is planned.
 */
@WithDevStack
class HostileJobsTest {
  private static final int BODY_LIMIT = 1024 * 1024;
  private static final String GOOD =
      """
      {
        "repo": {"url": "https://github.com/acme/calculator.git", "branch": "main"},
        "plan": {"kind": "units", "units": [
          {"id": "u1", "title": "Fix adds", "prompt": "Make CalcTest#adds pass.",
           "targetTests": ["CalcTest#adds"], "scope": ["src/**"]}]},
        "agent": {"command": "./agent.sh", "timeout": "PT5M", "maxAttempts": 2},
        "gate": {"testCommand": "mvn -q test", "timeout": "PT10M"},
        "labels": {"team": "core"}
      }
      """;

  @TempDir Path dir;
  private ApiHarness api;
  private TopicTail dlq;

  @BeforeEach
  void start(DevStack stack, TestNamespace namespace) {
    api =
        new ApiHarness(
            stack.bootstrapServers(), stack.redisUri(), namespace, dir.resolve("work"), BODY_LIMIT);
    dlq = api.harness.tail(api.topics.dlq());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void everyHostileJobIsRefusedNamingItsFieldAndAGoodJobAfterThemIsPlanned() {
    Map<String, String> corpus = corpus();
    assertThat(corpus).as("hostile documents").hasSizeGreaterThanOrEqualTo(50);
    List<String> refusals = new ArrayList<>();

    SoftAssertions.assertSoftly(
        soft ->
            corpus.forEach(
                (document, path) -> {
                  HttpResponse<String> response = api.post("/v1/jobs", document);
                  JsonObject problem = new JsonObject(response.body());
                  soft.assertThat(response.statusCode())
                      .as("status for %s", abbreviated(document))
                      .isEqualTo(400);
                  soft.assertThat(problem.getString("path"))
                      .as("path for %s (%s)", abbreviated(document), problem.getString("error"))
                      .isEqualTo(path);
                  refusals.add(problem.getString("error"));
                  api.harness.produce(api.topics.jobs(), "hostile", document);
                }));
    HttpResponse<String> huge =
        api.post("/v1/jobs", new JsonObject(GOOD).put("id", "x".repeat(16 * 1024 * 1024)).encode());
    assertThat(huge.statusCode()).as("status for a 16 MiB id").isEqualTo(413);
    assertThat(new JsonObject(huge.body()).getString("error")).as("error").contains("limit");
    api.harness.produce(
        api.topics.jobs(), "good", new JsonObject(GOOD).put("id", "job-after").encode());

    eventually().until(() -> dlq.records().size() >= corpus.size());
    List<String> paths =
        dlq.records().stream()
            .map(record -> TopicTail.header(record, DeadLetterHeaders.ERROR_PATH))
            .toList();
    assertThat(paths)
        .as("dead-lettered paths, in the order sent")
        .containsExactlyElementsOf(corpus.values());
    for (ConsumerRecord<byte[], byte[]> record : dlq.records()) {
      assertThat(TopicTail.header(record, DeadLetterHeaders.ERROR))
          .as("dead-letter error")
          .startsWith(TopicTail.header(record, DeadLetterHeaders.ERROR_PATH) + ": ");
    }
    assertThat(refusals).as("the API's errors").doesNotContainNull();
    eventually()
        .until(
            () ->
                api.get("/v1/jobs/job-after").statusCode() == 200
                    && Json.decode(api.get("/v1/jobs/job-after").body(), JobState.class).status()
                        == JobStatus.RUNNING);
    assertThat(api.get("/v1/jobs?limit=100").body())
        .as("jobs the coordinator knows")
        .doesNotContain("hostile");
    System.out.printf("%d hostile jobs refused, for example:%n", corpus.size());
    refusals.stream().limit(8).forEach(error -> System.out.println("  " + abbreviated(error)));
  }

  /** Each hostile document, and the path its refusal must name. */
  private static Map<String, String> corpus() {
    Map<String, String> corpus = new LinkedHashMap<>();
    for (String malformed :
        List.of(
            "{",
            "",
            "null",
            "[]",
            "42",
            "\"a job\"",
            "{\"repo\": {\"url\": \"https://x/y.git\"},}",
            "{}{}",
            "{'repo': 1}",
            GOOD + " trailing",
            "{\"repo\": NaN}",
            "{\"labels\": " + "[".repeat(5000) + "]".repeat(5000) + "}")) {
      corpus.put(malformed, "$");
    }
    put(corpus, "repo", job -> job.remove("repo"));
    put(corpus, "repo", job -> job.put("repo", 42));
    put(corpus, "repo", job -> job.put("repo", "https://github.com/acme/calculator.git"));
    put(corpus, "repo", job -> job.put("repo", new JsonArray()));
    for (String url :
        List.of(
            "ext::sh -c touch% /tmp/pwned",
            "-uhttps://x/y.git",
            "--upload-pack=touch /tmp/pwned",
            "ssh://-oProxyCommand=touch /tmp/pwned/x",
            "relative/path",
            "https://x/y.git\nrm -rf /",
            "",
            "   ",
            "fd::17",
            "a".repeat(3000))) {
      put(corpus, "repo.url", job -> job.getJsonObject("repo").put("url", url));
    }
    for (String branch :
        List.of("../main", "main;rm -rf /", "-f", "a..b", "x\u0000y", "main branch", "refs/../x")) {
      put(corpus, "repo.branch", job -> job.getJsonObject("repo").put("branch", branch));
    }
    for (String id :
        List.of(
            "../../etc/passwd",
            "job;rm -rf /",
            "job $(id)",
            "a b",
            "jöb",
            "\u202Ejob",
            "a".repeat(200))) {
      put(corpus, "id", job -> job.put("id", id));
    }
    put(corpus, "plan", job -> job.remove("plan"));
    put(corpus, "plan.kind", job -> job.getJsonObject("plan").put("kind", "shell"));
    put(corpus, "plan.kind", job -> job.getJsonObject("plan").put("kind", 5));
    put(corpus, "plan.units", job -> job.getJsonObject("plan").put("units", new JsonArray()));
    put(corpus, "plan.units[0].id", job -> unit(job).put("id", "../u1"));
    put(corpus, "plan.units[0].title", job -> unit(job).put("title", "t".repeat(300)));
    put(corpus, "plan.units[0].prompt", job -> unit(job).put("prompt", "p".repeat(70_000)));
    put(
        corpus,
        "plan.units[0].scope[0]",
        job -> unit(job).put("scope", new JsonArray().add("/etc/*")));
    put(
        corpus,
        "plan.units[0].scope[0]",
        job -> unit(job).put("scope", new JsonArray().add("../../x")));
    put(
        corpus,
        "plan.units[0].targetTests[0]",
        job -> unit(job).put("targetTests", new JsonArray().addNull()));
    put(corpus, "agent", job -> job.remove("agent"));
    put(corpus, "agent.command", job -> job.getJsonObject("agent").put("command", ""));
    put(corpus, "agent.command", job -> job.getJsonObject("agent").put("command", 5));
    put(corpus, "agent.maxAttempts", job -> job.getJsonObject("agent").put("maxAttempts", 0));
    put(corpus, "agent.maxAttempts", job -> job.getJsonObject("agent").put("maxAttempts", 21));
    put(corpus, "agent.maxAttempts", job -> job.getJsonObject("agent").put("maxAttempts", "3"));
    put(corpus, "agent.maxAttempts", job -> job.getJsonObject("agent").put("maxAttempts", 3.5));
    put(corpus, "agent.timeout", job -> job.getJsonObject("agent").put("timeout", "PT0S"));
    put(corpus, "agent.timeout", job -> job.getJsonObject("agent").put("timeout", "forever"));
    put(corpus, "agent.network", job -> job.getJsonObject("agent").put("network", "host"));
    put(corpus, "agent.network", job -> job.getJsonObject("agent").put("network", "container:db"));
    put(
        corpus,
        "agent.envAllowList",
        job -> job.getJsonObject("agent").put("envAllowList", "HOME"));
    put(corpus, "gate", job -> job.remove("gate"));
    put(corpus, "gate.testCommand", job -> job.getJsonObject("gate").put("testCommand", " \t "));
    put(corpus, "gate.timeout", job -> job.getJsonObject("gate").put("timeout", "PT25H"));
    put(corpus, "priority", job -> job.put("priority", "5"));
    put(corpus, "priority", job -> job.put("priority", 101));
    put(corpus, "priority", job -> job.put("priority", -101));
    put(corpus, "labels", job -> job.put("labels", new JsonArray()));
    put(corpus, "labels", job -> job.put("labels", manyLabels()));
    return corpus;
  }

  private static void put(Map<String, String> corpus, String path, Consumer<JsonObject> change) {
    JsonObject job = new JsonObject(GOOD);
    change.accept(job);
    corpus.put(job.encode(), path);
  }

  private static JsonObject unit(JsonObject job) {
    return job.getJsonObject("plan").getJsonArray("units").getJsonObject(0);
  }

  private static JsonObject manyLabels() {
    JsonObject labels = new JsonObject();
    for (int n = 0; n < 33; n++) {
      labels.put("label-" + n, "v");
    }
    return labels;
  }

  private static String abbreviated(String text) {
    String line = text.replace('\n', ' ');
    return line.length() <= 120 ? line : line.substring(0, 117) + "...";
  }
}
