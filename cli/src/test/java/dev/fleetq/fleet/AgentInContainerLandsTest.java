package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.cli.FleetqProcess;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.worker.testing.TestDocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole fleet with a containerised agent: a coordinator with its gate in this JVM, a {@code
 * fleetq worker} process whose Docker sandbox talks to a real engine, and a job whose agent names
 * an image built locally from a static busybox. The scripted agent fixes its test inside the
 * container and the gate lands the fix on main. Skipped, saying why, where no engine answers.
 */
@WithDevStack
class AgentInContainerLandsTest {
  private static final String WORKER_LABEL = "dev.fleetq.worker";
  private static final Git GIT =
      new Git(new Git.Identity("test", "test@fleetq.invalid"), Duration.ofSeconds(30));

  @Test
  void agentInItsJobsImageFixesItsTestsAndTheGateLandsThemOnMain(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    try (TestDocker docker = TestDocker.engineOrSkip()) {
      // A root worker's suite runs take agent uids, which must pass through the test's directory.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
      ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 2, 1);
      JobId job = JobId.parse("job-in-container");
      String workerId = "boxed-" + UUID.randomUUID().toString().substring(0, 8);
      Path workDir = dir.resolve("worker");
      Path output = dir.resolve("worker-output.txt");
      Process worker = null;
      try (Fleet fleet = Fleet.start(stack, ns, dir)) {
        worker =
            FleetqProcess.builder(
                    output,
                    "worker",
                    "--kafka",
                    stack.bootstrapServers(),
                    "--redis",
                    stack.redisUri(),
                    "--id",
                    workerId,
                    "--work-dir",
                    workDir.toString(),
                    "--topic-prefix",
                    ns.topicPrefix(),
                    "--key-prefix",
                    ns.keyPrefix(),
                    "--docker-host",
                    docker.host(),
                    "--agent-memory",
                    "256m",
                    "--agent-cpus",
                    "1",
                    "--shutdown-grace",
                    "PT5S")
                .start();

        fleet.submit(
            job.value(),
            Jobs.failingTestsInImage(
                job.value(), repo, inContainerOnly(fixer(dir)), TestDocker.BUSYBOX_IMAGE, 2));

        JobState done = FanOutTest.awaitEnd(fleet, job);
        assertThat(done.status())
            .as("job status (%s); worker output:\n%s", done, read(output))
            .isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.count(UnitStatus.LANDED)).as("landed units").isEqualTo(2);
        assertThat(FanOutTest.landedEvents(fleet, job)).as("LANDED events").hasSize(2);
      } finally {
        stop(worker);
      }

      assertThat(repo.mainLog("%s").stream().filter(subject -> subject.startsWith("Land ")))
          .as("gate-landed commits on main")
          .hasSize(2);
      assertThat(
              repo.mainLog("%(trailers:key=Fleetq-Worker,valueonly)").stream()
                  .filter(line -> !line.isBlank())
                  .distinct())
          .as("workers named by Fleetq-Worker trailers on main")
          .containsExactly(workerId);
      for (int n = 1; n <= 2; n++) {
        assertThat(GIT.run(repo.origin(), "show", "main:src/f0" + n + ".txt"))
            .as("the fixed file %d on main", n)
            .isEqualTo(ExampleRepo.fixedContent(n));
      }
      assertThat(FanOutTest.suiteOnMain(repo, dir).exitCode())
          .as("test suite on the final main")
          .isZero();
      assertThat(agentLogs(workDir))
          .as("the agents' logs")
          .hasSize(2)
          .allSatisfy(
              log ->
                  assertThat(log)
                      .as("an agent's log")
                      .contains(
                          "in a container of " + TestDocker.BUSYBOX_IMAGE + " on network none",
                          "# fleetq: exit 0"));
      assertThat(docker.containersLabelled(WORKER_LABEL, workerId))
          .as("containers left by the worker")
          .isEmpty();
      docker.removeLabelled(WORKER_LABEL, workerId);
    }
  }

  private static String fixer(Path dir) throws Exception {
    return Files.readString(ScriptedAgent.fixer(dir.resolve("agent")).script());
  }

  /** The agent fails unless it runs in a container, where the worktree is at /workspace. */
  private static String inContainerOnly(String script) {
    return "[ \"$PWD\" = /workspace ] || { echo \"not in a container: $PWD\"; exit 9; }\n" + script;
  }

  private static List<String> agentLogs(Path workDir) throws Exception {
    try (Stream<Path> logs = Files.list(workDir.resolve("logs"))) {
      return logs.filter(f -> f.toString().endsWith(".log"))
          .map(AgentInContainerLandsTest::read)
          .toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** SIGTERM, as Kubernetes stops a pod, then a bounded wait for the worker to exit. */
  private static void stop(Process worker) throws InterruptedException {
    if (worker == null) {
      return;
    }
    worker.destroy();
    if (!worker.waitFor(1, TimeUnit.MINUTES)) {
      worker.destroyForcibly();
    }
  }
}
