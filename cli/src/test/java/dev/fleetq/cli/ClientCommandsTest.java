package dev.fleetq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.api.ApiConfig;
import dev.fleetq.coordinator.api.HttpApi;
import dev.fleetq.coordinator.gate.GateConfig;
import dev.fleetq.coordinator.gate.MergeGate;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetq submit}, {@code status} and {@code jobs}, each a process of its own. */
@WithDevStack
class ClientCommandsTest {
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  @Test
  void malformedJobFileIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
    Path job = dir.resolve("job.json");
    Files.writeString(
        job,
        """
        {"repo": {"url": 5},
         "plan": {"kind": "failing-tests", "testCommand": "./t.sh", "reportGlobs": ["r/*.xml"]},
         "agent": {"command": "true"}}
        """);

    CliProcess submit = CliProcess.run(dir, "submit", job.toString(), "--kafka", "127.0.0.1:1");

    assertThat(submit.exitCode()).as("exit status (%s)", submit).isNotZero();
    assertThat(submit.stderr())
        .as("what the user sees")
        .contains("fleetq submit: repo.url:")
        .doesNotContain("Exception");
    assertThat(submit.stdout()).as("stdout").isEmpty();
  }

  @Test
  void submittedJobWithoutIdGetsOneAndItsStatusIsReadOverHttp(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 2, 1);
    HttpApi api = HttpApi.extension(ApiConfig.defaults("127.0.0.1", 0));
    try (Coordinator coordinator = coordinator(stack, ns, dir, api)) {
      coordinator.start();
      Path job = dir.resolve("job.json");
      Files.writeString(job, twoUnits(repo));

      CliProcess submit =
          CliProcess.run(
              dir,
              "submit",
              job.toString(),
              "--kafka",
              stack.bootstrapServers(),
              "--topic-prefix",
              ns.topicPrefix());

      assertThat(submit.exitCode()).as("submit exit status (%s)", submit).isZero();
      JobId id = JobId.parse(submit.stdout().strip());
      assertThat(id.value()).as("generated id").startsWith(JobId.RANDOM_PREFIX);
      await()
          .atMost(PATIENCE)
          .until(
              () -> coordinator.jobStates().job(id).map(s -> s.status()).orElse(null),
              status -> status == JobStatus.RUNNING);
      String url = "http://127.0.0.1:" + api.port();
      CliProcess status = CliProcess.run(dir, "status", id.value(), "--api", url);
      assertThat(status.exitCode()).as("status exit status (%s)", status).isZero();
      assertThat(status.stdout()).as("status").contains(id.value(), "RUNNING", "PUBLISHED=2");
      CliProcess jobs = CliProcess.run(dir, "jobs", "--api", url);
      assertThat(jobs.exitCode()).as("jobs exit status (%s)", jobs).isZero();
      assertThat(jobs.stdout()).as("jobs").contains(id.value());
      CliProcess unknown = CliProcess.run(dir, "status", "no-such-job", "--api", url);
      assertThat(unknown.exitCode()).as("status of an unknown job").isNotZero();
    }
  }

  @Test
  void withNoFlagsTheyUseTheRunningLocalFleetAndItsToken(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("local.txt");
    Path endpoints = dir.resolve(Endpoints.DEFAULT_FILE);
    Process local =
        FleetqProcess.builder(
                output,
                "local",
                "--agents",
                "1",
                "--http-port",
                "0",
                "--data-dir",
                endpoints.getParent().toString())
            .start();
    try {
      await().atMost(PATIENCE).until(() -> Files.exists(endpoints));
      Endpoints written = Json.decode(Files.readAllBytes(endpoints), Endpoints.class);
      assertThat(Files.getPosixFilePermissions(endpoints))
          .as("the endpoints file's permissions")
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      Path job = dir.resolve("job.json");
      Files.writeString(
          job,
          """
          {"id": "job-local", "repo": {"url": "file:///nonexistent/repo.git"},
           "plan": {"kind": "units", "units": [{"id": "u1", "title": "t", "prompt": "p"}]},
           "agent": {"command": "true", "maxAttempts": 1},
           "gate": {"testCommand": "true"}}
          """);

      CliProcess submit = CliProcess.run(dir, "submit", "job.json");

      assertThat(submit.exitCode()).as("submit exit status (%s)", submit).isZero();
      assertThat(submit.stdout().strip()).as("submitted id").isEqualTo("job-local");
      await()
          .atMost(PATIENCE)
          .until(() -> CliProcess.run(dir, "status", "job-local").exitCode() == 0);
      CliProcess jobs = CliProcess.run(dir, "jobs");
      assertThat(jobs.exitCode()).as("jobs exit status (%s)", jobs).isZero();
      assertThat(jobs.stdout()).as("jobs").contains("job-local");
      CliProcess anonymous =
          CliProcess.run(dir, "jobs", "--api", written.api(), "--endpoints", "none.json");
      assertThat(anonymous.exitCode()).as("jobs without the token (%s)", anonymous).isNotZero();
      assertThat(anonymous.stderr())
          .as("what a user without the token sees")
          .contains("refused a request without a token", "--api-token-file")
          .doesNotContain("Exception");
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, "# the local fleet's\n" + written.token() + "\n");
      CliProcess withTokenFile =
          CliProcess.run(
              dir, "jobs", "--api", written.api(), "--api-token-file", tokenFile.toString());
      assertThat(withTokenFile.exitCode())
          .as("jobs with --api-token-file (%s)", withTokenFile)
          .isZero();
    } finally {
      local.destroy();
      local.waitFor(1, TimeUnit.MINUTES);
      local.destroyForcibly();
    }
  }

  private static Coordinator coordinator(DevStack stack, TestNamespace ns, Path dir, HttpApi api) {
    CoordinatorConfig config =
        CoordinatorConfig.defaults(
                stack.bootstrapServers(), stack.redisUri(), dir.resolve("coordinator"))
            .withNames(
                new Topics(ns.topicPrefix()),
                new RedisKeys(ns.keyPrefix()),
                ns.group("fleetq-coordinator"),
                ns.group("fleetq-projector"));
    return Coordinator.create(
        config,
        Clock.systemUTC(),
        List.of(
            MergeGate.extension(GateConfig.defaults().withGroupId(ns.group("fleetq-gate"))), api));
  }

  private static String twoUnits(ExampleRepo repo) {
    return """
        {
          "repo": {"url": "%s"},
          "plan": {"kind": "units", "units": [
            {"id": "u1", "title": "Fix 1", "prompt": "Fix it.", "targetTests": ["%s"]},
            {"id": "u2", "title": "Fix 2", "prompt": "Fix it.", "targetTests": ["%s"]}
          ]},
          "agent": {"command": "true", "timeout": "PT2M", "maxAttempts": 1},
          "gate": {"testCommand": "%s", "reportGlobs": ["%s"], "timeout": "PT2M"}
        }
        """
        .formatted(
            repo.url(),
            ExampleRepo.testId(1),
            ExampleRepo.testId(2),
            ExampleRepo.TEST_COMMAND,
            ExampleRepo.REPORT_GLOB);
  }
}
