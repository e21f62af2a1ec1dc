package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.cli.FleetqProcess;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
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

/** {@code fleetq coordinator} as an operator runs it: a process of its own, used over HTTP. */
@WithDevStack
class CoordinatorCommandTest {
  private static final Pattern LISTENING = Pattern.compile("HTTP API on [^:]+:(\\d+)");
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final String TOKEN = "0123456789abcdef0123456789abcdef-operator";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesJobsOverHttpAndStopsOnSigterm(DevStack stack, TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 2, 1);
    Path output = dir.resolve("coordinator.log");
    Path tokens = Files.writeString(dir.resolve("api-tokens"), "# rotated monthly\n" + TOKEN);
    Process coordinator =
        FleetqProcess.builder(
                output,
                "coordinator",
                "--kafka",
                stack.bootstrapServers(),
                "--redis",
                stack.redisUri(),
                "--work-dir",
                dir.resolve("coordinator").toString(),
                "--topic-prefix",
                ns.topicPrefix(),
                "--key-prefix",
                ns.keyPrefix(),
                "--http-host",
                "127.0.0.1",
                "--http-port",
                "0",
                "--api-token-file",
                tokens.toString())
            .start();
    try {
      int port = await().atMost(PATIENCE).until(() -> listeningPort(output), p -> p > 0);
      String job =
          Jobs.explicitUnits(
              "job-over-http", repo, ScriptedAgent.fixer(dir.resolve("agent")).command(), 2);

      HttpResponse<String> anonymous = post(port, "/v1/jobs", job, "");
      assertThat(anonymous.statusCode()).as("submit without a token").isEqualTo(401);
      HttpResponse<String> submitted = post(port, "/v1/jobs", job, TOKEN);
      assertThat(submitted.statusCode()).as("submit (%s)", submitted.body()).isEqualTo(202);
      assertThat(submitted.body()).as("submit answer").contains("job-over-http");
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(get(port, "/v1/jobs/job-over-http", TOKEN).body())
                      .as("job state")
                      .contains("\"status\":\"RUNNING\"")
                      .contains("\"PUBLISHED\":2"));
      assertThat(get(port, "/readyz", "").statusCode()).as("readiness, open").isEqualTo(200);

      coordinator.destroy();

      assertThat(coordinator.waitFor(1, TimeUnit.MINUTES)).as("exited after SIGTERM").isTrue();
    } finally {
      coordinator.destroyForcibly();
    }
  }

  @Test
  void unreachableRedisEndsWithOneSentenceNamingTheAddress(DevStack stack, @TempDir Path dir)
      throws Exception {
    int closedPort = FleetqProcess.closedPort();
    Path output = dir.resolve("output.txt");

    FleetqProcess.Ended ended =
        FleetqProcess.run(
            output,
            "coordinator",
            "--kafka",
            stack.bootstrapServers(),
            "--redis",
            "redis://127.0.0.1:" + closedPort,
            "--http-host",
            "127.0.0.1");

    assertThat(ended.status()).as("exit status (output: %s)", ended.output()).isEqualTo(2);
    assertThat(ended.output())
        .as("what the operator sees")
        .contains("fleetq coordinator: cannot reach Redis at 127.0.0.1:" + closedPort)
        .doesNotContain("Exception");
  }

  @Test
  void anApiOpenToEveryAddressIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("output.txt");

    FleetqProcess.Ended ended =
        FleetqProcess.run(
            output, "coordinator", "--http-host", "0.0.0.0", "--kafka", "127.0.0.1:1");

    assertThat(ended.status()).as("exit status (output: %s)", ended.output()).isEqualTo(2);
    assertThat(ended.output())
        .as("what the operator sees")
        .contains("would be open to anyone", "--api-token-file", "--api-open")
        .doesNotContain("cannot reach", "Exception");
  }

  private static int listeningPort(Path output) throws Exception {
    Matcher matcher = LISTENING.matcher(Files.readString(output, StandardCharsets.UTF_8));
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  private HttpResponse<String> post(int port, String path, String body, String token)
      throws Exception {
    return send(
        request(port, path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    return send(request(port, path, token).GET());
  }

  /** A request to the API, with {@code token} as its bearer token unless it is empty. */
  private static HttpRequest.Builder request(int port, String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
