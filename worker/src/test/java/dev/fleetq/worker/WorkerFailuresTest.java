package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.HostileRecords;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.DeadLetterHeaders;
import dev.fleetq.worker.testing.Agents;
import dev.fleetq.worker.testing.Processes;
import dev.fleetq.worker.testing.TestUnits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attempts that end without a push, each with its reason, and records that cannot be read. */
@WithDevStack
class WorkerFailuresTest {
  private static final JobId JOB = JobId.parse("job-fail");

  @TempDir Path dir;
  private Fleet fleet;
  private ExampleRepo repo;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) {
    fleet = new Fleet(stack, namespace, dir, 2);
    repo = ExampleRepo.create(dir.resolve("repo"), 3, 0);
    fleet.start("w1");
  }

  @AfterEach
  void closeFleet() {
    fleet.close();
  }

  @Test
  void anAgentPastItsTimeoutIsKilledWithItsProcessTreeAndTheAttemptTimesOut() throws Exception {
    Path pids = Files.createDirectories(dir.resolve("pids"));
    WorkUnit unit =
        TestUnits.aUnit(
            repo,
            JOB,
            1,
            1,
            Agents.sleeper(dir.resolve("agent"), pids, 300),
            Duration.ofSeconds(3));
    fleet.publish(unit);

    UnitEvent ended = awaitEnd(unit);
    await("the lock is released").atMost(Fleet.PATIENCE).until(() -> !fleet.locked(unit.key()));

    assertThat(ended.reason()).as("reason").isEqualTo(Reason.TIMED_OUT);
    assertThat(ended.detail()).as("detail").contains("timeout of PT3S", "timed out after 3 s");
    assertThat(Processes.running(pids.resolve("u1.agent.pid"))).as("the agent").isFalse();
    assertThat(Processes.running(pids.resolve("u1.child.pid"))).as("the agent's child").isFalse();
    assertThat(fleet.statuses(unit.key()))
        .as("events")
        .containsExactly(UnitStatus.CLAIMED, UnitStatus.RUNNING, UnitStatus.RETRYING);
  }

  @Test
  void anAgentThatExitsNonZeroFailsTheAttemptWithTheTailOfItsLog() {
    WorkUnit unit = TestUnits.aUnit(repo, JOB, 1, Agents.failing(dir.resolve("agent"), 100));
    fleet.publish(unit);

    UnitEvent ended = awaitEnd(unit);

    assertThat(ended.reason()).as("reason").isEqualTo(Reason.AGENT_FAILED);
    assertThat(ended.detail())
        .as("detail")
        .contains("exited with status 3", "agent line 100", "boom: the agent gave up")
        .doesNotContain("agent line 50\n");
    assertThat(ended.worker().value()).as("worker").isEqualTo("w1");
    await("the lock is released").atMost(Fleet.PATIENCE).until(() -> !fleet.locked(unit.key()));
  }

  /**
   * The coordinator publishes the next attempt as soon as it reads {@code RETRYING}, and a worker
   * that finds the unit's lock still held skips that delivery for good: so the lock is free before
   * the event is written, however long the worktree takes to remove.
   */
  @Test
  void theLockIsFreeBeforeTheEndOfAnAttemptIsReported() {
    WorkUnit unit =
        TestUnits.aUnit(repo, JOB, 4, Agents.litteringQuitter(dir.resolve("agent"), 50_000));
    fleet.publish(unit);

    await("the attempt at " + unit.key() + " ends")
        .atMost(Fleet.PATIENCE)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> fleet.statuses(unit.key()).contains(UnitStatus.RETRYING));

    assertThat(fleet.locked(unit.key())).as("lock held when RETRYING is read").isFalse();
    assertThat(fleet.lastEvent(unit.key()).reason()).as("reason").isEqualTo(Reason.AGENT_FAILED);
  }

  @Test
  void aUnitWhoseJobNamesAnImageEndsOnAWorkerWithoutDockerSayingWhy() {
    WorkUnit unit =
        TestUnits.aUnitInImage(
            repo, JOB, 1, ScriptedAgent.fixer(dir.resolve("agent")).command(), "acme/agent:7");
    fleet.publish(unit);

    UnitEvent ended = awaitEnd(unit);

    assertThat(ended.reason()).as("reason").isEqualTo(Reason.SANDBOX_UNAVAILABLE);
    assertThat(ended.detail())
        .as("detail")
        .contains("acme/agent:7", "no Docker engine", "--docker-host");
    assertThat(fleet.gateRequests()).as("gate requests").isEmpty();
    await("the lock is released").atMost(Fleet.PATIENCE).until(() -> !fleet.locked(unit.key()));
  }

  @Test
  void mainThatMovedUnderTheAgentConflictsAndNothingIsPushed() {
    WorkUnit unit =
        TestUnits.aUnit(repo, JOB, 2, Agents.racedOnMain(dir.resolve("agent"), repo.url()));
    fleet.publish(unit);

    UnitEvent ended = awaitEnd(unit);
    Git git = new Git(new Git.Identity("t", "t@fleetq.invalid"), Duration.ofSeconds(30));

    assertThat(ended.reason()).as("reason").isEqualTo(Reason.CONFLICT);
    assertThat(ended.detail()).as("detail").contains("src/f02.txt", repo.mainHead());
    assertThat(
            git.tryRun(repo.origin(), "rev-parse", "--verify", "refs/heads/fleetq/job-fail/u2/a1"))
        .as("the unit branch in the origin")
        .matches(result -> !result.succeeded());
    assertThat(fleet.gateRequests()).as("gate requests").isEmpty();
  }

  @Test
  void aMalformedRecordIsDeadLetteredAndTheNextUnitIsStillWorkedOn() {
    WorkUnit unit = TestUnits.aUnit(repo, JOB, 3, ScriptedAgent.fixer(dir.resolve("a")).command());
    fleet.send(unit.key().value(), "{\"jobId\": \"job-fail\", \"unitId\": 7}");
    HostileRecords.values().forEach(value -> fleet.send(unit.key().value(), value));
    fleet.publish(unit);

    await("the unit is pushed")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(unit.key()).contains(UnitStatus.PUSHED));
    int letters = 1 + HostileRecords.values().size();
    await("dead letters").atMost(Fleet.PATIENCE).until(() -> fleet.deadLetters().size() == letters);
    assertThat(fleet.deadLetters())
        .as("dead letters of the malformed and the hostile records")
        .allSatisfy(
            hostile ->
                assertThat(header(hostile, DeadLetterHeaders.ERROR))
                    .as("error of %s", hostile.offset())
                    .startsWith(header(hostile, DeadLetterHeaders.ERROR_PATH) + ": "));
    ConsumerRecord<String, String> letter =
        fleet.deadLetters().stream().filter(l -> l.offset() == 0).findFirst().orElseThrow();

    assertThat(letter.key()).as("key").isEqualTo(unit.key().value());
    assertThat(letter.value()).as("value").isEqualTo("{\"jobId\": \"job-fail\", \"unitId\": 7}");
    assertThat(header(letter, DeadLetterHeaders.ERROR)).as("error").startsWith("unitId: ");
    assertThat(header(letter, DeadLetterHeaders.ERROR_PATH)).as("path").isEqualTo("unitId");
    assertThat(header(letter, DeadLetterHeaders.REJECTED_BY))
        .as("rejected by")
        .isEqualTo("worker.unit-source");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC))
        .as("source topic")
        .isEqualTo(fleet.topics.units());
    assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).as("source offset").isEqualTo("0");
  }

  private UnitEvent awaitEnd(WorkUnit unit) {
    await("the attempt at " + unit.key() + " ends")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(unit.key()).contains(UnitStatus.RETRYING));
    return fleet.lastEvent(unit.key());
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
