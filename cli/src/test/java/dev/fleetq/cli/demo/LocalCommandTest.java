package dev.fleetq.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.cli.Endpoints;
import dev.fleetq.cli.FleetqProcess;
import dev.fleetq.model.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetq local} as a developer runs it: a process of its own, stopped with SIGTERM. */
class LocalCommandTest {
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final Pattern API = Pattern.compile("API\\s+(http://\\S+)");

  @Test
  void unreachableDockerEngineEndsBeforeAnythingStartsNamingTheAddress(@TempDir Path dir)
      throws Exception {
    int closedPort = FleetqProcess.closedPort();
    Path output = dir.resolve("local.txt");

    FleetqProcess.Ended ended =
        FleetqProcess.run(
            output,
            "local",
            "--http-port",
            "0",
            "--data-dir",
            dir.resolve("data").toString(),
            "--docker-host",
            "tcp://127.0.0.1:" + closedPort);

    assertThat(ended.status()).as("exit status (output: %s)", ended.output()).isEqualTo(2);
    assertThat(ended.output())
        .as("what the developer sees")
        .contains("fleetq local: cannot reach the Docker engine at tcp://127.0.0.1:" + closedPort)
        .doesNotContain("Exception");
    assertThat(dir.resolve("data")).as("the data dir of a fleet that never started").doesNotExist();
  }

  @Test
  void servesTheApiUntilSigtermAndKeepsKafkaInTheDataDir(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("local.txt");
    Path data = dir.resolve("data");
    Process local =
        FleetqProcess.builder(
                output, "local", "--agents", "2", "--http-port", "0", "--data-dir", data.toString())
            .start();
    try {
      String api = await().atMost(PATIENCE).until(() -> apiUrl(output), url -> !url.isEmpty());
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(api + "/readyz"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as("readiness (%s)", ready.body()).isEqualTo(200);
      assertThat(Files.readString(output, StandardCharsets.UTF_8))
          .as("what the developer sees")
          .contains("Kafka    127.0.0.1:");

      local.destroy();

      assertThat(local.waitFor(1, TimeUnit.MINUTES)).as("exited after SIGTERM").isTrue();
      assertThat(data.resolve("kafka")).as("Kafka's log in the data dir").isDirectory();
      assertThat(data.resolve(Endpoints.FILE_NAME))
          .as("the endpoints of a fleet that stopped")
          .doesNotExist();
    } finally {
      local.destroyForcibly();
    }
  }

  @Test
  void restartOnTheSameDataDirStillKnowsTheJobs(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    String job =
        """
        {"id": "job-kept", "repo": {"url": "file:///nonexistent/repo.git"},
         "plan": {"kind": "units", "units": [{"id": "u1", "title": "t", "prompt": "p"}]},
         "agent": {"command": "true", "maxAttempts": 1},
         "gate": {"testCommand": "true"}}
        """;
    Process first = startLocal(dir.resolve("first.txt"), data);
    try {
      String api =
          await().atMost(PATIENCE).until(() -> apiUrl(dir.resolve("first.txt")), u -> !u.isEmpty());
      String token = token(data);
      HttpResponse<String> submitted =
          http(
              HttpRequest.newBuilder(URI.create(api + "/v1/jobs"))
                  .POST(HttpRequest.BodyPublishers.ofString(job)),
              token);
      assertThat(submitted.statusCode()).as("submit (%s)", submitted.body()).isEqualTo(202);
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  http(HttpRequest.newBuilder(URI.create(api + "/v1/jobs/job-kept")), token)
                          .statusCode()
                      == 200);
      first.destroy();
      assertThat(first.waitFor(1, TimeUnit.MINUTES)).as("first run exited").isTrue();
    } finally {
      first.destroyForcibly();
    }

    Process second = startLocal(dir.resolve("second.txt"), data);
    try {
      String api =
          await()
              .atMost(PATIENCE)
              .until(() -> apiUrl(dir.resolve("second.txt")), u -> !u.isEmpty());
      HttpResponse<String> kept =
          http(HttpRequest.newBuilder(URI.create(api + "/v1/jobs/job-kept")), token(data));
      assertThat(kept.statusCode()).as("the job after a restart (%s)", kept.body()).isEqualTo(200);
    } finally {
      second.destroy();
      second.waitFor(1, TimeUnit.MINUTES);
      second.destroyForcibly();
    }
  }

  private static Process startLocal(Path output, Path data) throws Exception {
    return FleetqProcess.builder(
            output, "local", "--agents", "1", "--http-port", "0", "--data-dir", data.toString())
        .start();
  }

  private static HttpResponse<String> http(HttpRequest.Builder request, String token)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            request
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The API token the running fleet wrote to its endpoints file. */
  private static String token(Path data) throws Exception {
    return Json.decode(Files.readAllBytes(data.resolve(Endpoints.FILE_NAME)), Endpoints.class)
        .token();
  }

  private static String apiUrl(Path output) throws Exception {
    Matcher matcher = API.matcher(Files.readString(output, StandardCharsets.UTF_8));
    return matcher.find() ? matcher.group(1) : "";
  }
}
