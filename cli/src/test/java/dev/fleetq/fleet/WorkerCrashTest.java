package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker that dies mid-unit, killed with SIGKILL in a JVM of its own. */
@WithDevStack
class WorkerCrashTest {
  private static final Duration PATIENCE = Duration.ofMinutes(3);
  private static final Git GIT =
      new Git(new Git.Identity("dead worker", "dead@fleetq.invalid"), Duration.ofSeconds(30));

  @Test
  void unitOfAKilledWorkerIsReclaimedLandsOnceAndTheDeadWorkersLatePushIsRefused(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 1, 1);
    JobId job = JobId.parse("job-crash");
    UnitId unit = UnitId.parse("u1");
    ScriptedAgent agent = slowOnFirstAttempt(dir.resolve("agent"), dir.resolve("pids"));
    Process dead = null;
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      dead = WorkerProcess.start(stack, ns, dir, "doomed-worker", 1, 1, Map.of());
      fleet.submit(
          job.value(),
          Jobs.explicitUnits(job.value(), repo, agent.command(), 1)
              .replace("\"maxAttempts\": 1", "\"maxAttempts\": 3"));
      await()
          .atMost(PATIENCE)
          .until(() -> fleet.trail().countByStatus(job).getOrDefault(UnitStatus.RUNNING, 0L) == 1);

      dead.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      fleet.addWorker("rescuer", 1);

      JobState done = FanOutTest.awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      List<UnitEvent> events = fleet.trail().units(job);
      assertThat(events)
          .as("lease lost on attempt 1")
          .anySatisfy(
              e -> {
                assertThat(e.status()).isEqualTo(UnitStatus.RETRYING);
                assertThat(e.reason()).isEqualTo(Reason.LEASE_LOST);
                assertThat(e.attempt()).isEqualTo(1);
              });
      List<UnitEvent> landed = FanOutTest.landedEvents(fleet, job);
      assertThat(landed).as("landings").hasSize(1);
      assertThat(landed.get(0).attempt()).as("landed attempt").isEqualTo(2);
      assertThat(landed.get(0).worker()).as("landed by").isEqualTo(WorkerId.parse("rescuer"));
      String mainAfterLanding = repo.mainHead();

      publishLatePush(fleet, stack, repo, dir, job, unit);

      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(fleet.trail().units(job))
                      .as("the late push of attempt 1")
                      .anySatisfy(
                          e -> {
                            assertThat(e.reason()).isEqualTo(Reason.STALE_ATTEMPT);
                            assertThat(e.attempt()).isEqualTo(1);
                          }));
      assertThat(repo.mainHead()).as("main after the late push").isEqualTo(mainAfterLanding);
      assertThat(FanOutTest.landedEvents(fleet, job)).as("landings after the late push").hasSize(1);
    } finally {
      if (dead != null) {
        dead.destroyForcibly();
      }
      for (long pid : SleepingAgent.alive(dir.resolve("pids"))) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Sleeps on attempt 1, where the worker will be killed; fixes its target on later attempts. */
  private static ScriptedAgent slowOnFirstAttempt(Path dir, Path pids) throws Exception {
    Files.createDirectories(dir);
    Files.createDirectories(pids);
    Path script = dir.resolve("slow-first.sh");
    Files.writeString(
        script,
        """
        #!/bin/sh
        set -e
        if [ "$FLEETQ_ATTEMPT" = "1" ]; then
          echo $$ > %s/$FLEETQ_UNIT_ID-a1
          exec sleep 300
        fi
        for id in $FLEETQ_TARGET_TESTS; do
          n=${id##*#t}
          echo "fixed-$n" > "src/f$n.txt"
        done
        """
            .formatted(pids));
    return new ScriptedAgent(script);
  }

  /** What the dead worker would have sent had it lived: a pushed branch and a gate request. */
  private static void publishLatePush(
      Fleet fleet, DevStack stack, ExampleRepo repo, Path dir, JobId job, UnitId unit)
      throws Exception {
    Path clone = dir.resolve("dead-worker-clone");
    GIT.run(dir, "clone", "--quiet", repo.url(), clone.toString());
    String branch = "fleetq/" + job + "/" + unit + "/a1";
    GIT.run(clone, "checkout", "--quiet", "-b", branch);
    Files.writeString(clone.resolve("src/f01.txt"), "late-and-wrong\n");
    GIT.run(clone, "commit", "--quiet", "-am", "late work of attempt 1");
    GIT.run(clone, "push", "--quiet", "origin", branch);
    GateRequest late =
        new GateRequest(
            job,
            unit,
            1,
            WorkerId.parse("doomed-worker"),
            new RepoSpec(repo.url(), "main"),
            branch,
            GIT.run(clone, "rev-parse", "HEAD"),
            GIT.run(clone, "rev-parse", "HEAD~1"),
            List.of(),
            List.of(),
            new GateSpec(
                ExampleRepo.TEST_COMMAND, List.of(ExampleRepo.REPORT_GLOB), Duration.ofMinutes(1)),
            Instant.now());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(ClientConfigs.producer(stack.bootstrapServers()))) {
      producer
          .send(
              new ProducerRecord<>(
                  fleet.topics().gate(), late.repoId().value(), Json.encodeToString(late)))
          .get(30, TimeUnit.SECONDS);
    }
  }
}
