package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetq.cli.FleetqProcess;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.exec.testing.ExampleRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job written by an attacker, sent to {@code fleetq coordinator} as an operator runs it (its own
 * process, with a secret in its environment and an API token): without the token it is refused and
 * nothing runs; with it, its test command runs on a {@code fleetq executor} (also its own process,
 * with a secret of its own), never under the coordinator, and as one of the executor's agent uids,
 * not as root. The command records its uid, its chain of parent processes and every process
 * environment it could read that holds either secret.
 *
 * <p>It needs root, as running commands as other uids does: CI runs as root.
 */
@WithDevStack
class HostileJobTest {
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final String TOKEN = "0123456789abcdef0123456789abcdef-hostile-test";
  private static final String SECRET = "FLEETQ_TEST_COORDINATOR_SECRET";
  private static final String WORKER_SECRET = "FLEETQ_TEST_WORKER_SECRET";
  private static final Pattern SERVING = Pattern.compile("fleetq executor: /metrics");
  private static final Pattern LISTENING = Pattern.compile("HTTP API on [^:]+:(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void itsCommandRunsOnAnExecutorNotUnderTheCoordinatorAndWithoutATokenNothingRuns(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    assumeThat(ProcessSandbox.isRoot()).as("running commands as other uids needs root").isTrue();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    ExampleRepo repo = ExampleRepo.create(dir, 2, 1);
    Path records = Files.createDirectories(dir.resolve("records"));
    Files.setPosixFilePermissions(records, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path tokens = Files.writeString(dir.resolve("tokens"), TOKEN + "\n");
    Path output = dir.resolve("coordinator.log");
    ProcessBuilder builder =
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
            tokens.toString());
    builder.environment().put(SECRET, "coordinator-only");
    Process coordinator = builder.start();
    Process executor = null;
    try {
      int port = await().atMost(PATIENCE).until(() -> listeningPort(output), p -> p > 0);
      executor = startExecutor(stack, ns, dir);

      HttpResponse<String> refused = post(port, hostileJob("job-anonymous", repo, records), "");
      assertThat(refused.statusCode()).as("without a token (%s)", refused.body()).isEqualTo(401);
      HttpResponse<String> taken = post(port, hostileJob("job-hostile", repo, records), TOKEN);
      assertThat(taken.statusCode()).as("with the token (%s)", taken.body()).isEqualTo(202);

      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(get(port, "/v1/jobs/job-hostile").body())
                      .as("the hostile job, planned")
                      .contains("\"status\":\"RUNNING\"", "\"unitCount\":2"));
      List<String> record = Files.readAllLines(records.resolve("job-hostile"));
      List<Long> ancestors =
          record.stream()
              .filter(line -> line.startsWith("ancestor "))
              .map(line -> Long.parseLong(line.substring("ancestor ".length())))
              .toList();
      assertThat(ancestors)
          .as("the command's parent processes (record: %s)", record)
          .contains(executor.pid())
          .doesNotContain(coordinator.pid());
      assertThat(record)
          .as("what the command saw")
          .anyMatch(line -> line.matches("uid 610[0-9][0-9]|uid 611[0-2][0-9]"))
          .noneMatch(line -> line.startsWith("read "));
      assertThat(records.resolve("job-anonymous"))
          .as("the record of the job sent without a token")
          .doesNotExist();
      assertThat(get(port, "/v1/jobs/job-anonymous").statusCode())
          .as("the job sent without a token")
          .isEqualTo(404);
    } finally {
      if (executor != null) {
        executor.destroy();
        executor.waitFor(1, TimeUnit.MINUTES);
        executor.destroyForcibly();
      }
      coordinator.destroy();
      coordinator.waitFor(1, TimeUnit.MINUTES);
      coordinator.destroyForcibly();
    }
  }

  /**
   * {@code fleetq executor} as an operator starts it as root, with a secret in its environment and
   * the default agent uids, once it serves suite runs.
   */
  private static Process startExecutor(DevStack stack, TestNamespace ns, Path dir)
      throws Exception {
    Path output = dir.resolve("executor.log");
    ProcessBuilder builder =
        FleetqProcess.builder(
            output,
            "executor",
            "--kafka",
            stack.bootstrapServers(),
            "--redis",
            stack.redisUri(),
            "--work-dir",
            dir.resolve("executor").toString(),
            "--topic-prefix",
            ns.topicPrefix(),
            "--key-prefix",
            ns.keyPrefix(),
            "--id",
            "executor",
            "--metrics-port",
            "0");
    builder.environment().put(WORKER_SECRET, "worker-only");
    Process executor = builder.start();
    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              if (!executor.isAlive()) {
                throw new IllegalStateException(
                    "fleetq executor exited: " + Files.readString(output, StandardCharsets.UTF_8));
              }
              return SERVING.matcher(Files.readString(output, StandardCharsets.UTF_8)).find();
            });
    return executor;
  }

  /**
   * A failing-tests job whose test command writes what it can see to {@code records/<job>}: its
   * uid, every process above it up to init, and every environment it could read that holds the
   * coordinator's or the executor's secret; then runs the example's tests, so that the job plans as
   * usual.
   */
  private static String hostileJob(String id, ExampleRepo repo, Path records) throws Exception {
    String spy =
        ("r=%s/$FLEETQ_JOB_ID; { echo \"uid $(id -u)\"; p=$$; while [ \"$p\" -gt 1 ]; do"
                + " echo \"ancestor $p\"; p=$(cut -d' ' -f4 /proc/$p/stat); done;"
                + " for e in /proc/[0-9]*/environ; do grep -q -e %s= -e %s= $e 2>/dev/null"
                + " && echo \"read $e\"; done; } > $r; %s")
            .formatted(records, SECRET, WORKER_SECRET, ExampleRepo.TEST_COMMAND);
    ObjectNode job = (ObjectNode) JSON.readTree(Jobs.failingTests(id, repo, "true", 1));
    ((ObjectNode) job.get("plan")).put("testCommand", spy);
    return JSON.writeValueAsString(job);
  }

  private static int listeningPort(Path output) throws Exception {
    Matcher matcher = LISTENING.matcher(Files.readString(output, StandardCharsets.UTF_8));
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  private HttpResponse<String> post(int port, String body, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/jobs"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
