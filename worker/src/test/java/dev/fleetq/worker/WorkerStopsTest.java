package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import dev.fleetq.worker.testing.Agents;
import dev.fleetq.worker.testing.Processes;
import dev.fleetq.worker.testing.TestUnits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.redisson.client.codec.StringCodec;

/** Stopping a running unit: the worker shuts down, or the unit is cancelled or superseded. */
@WithDevStack
class WorkerStopsTest {
  private static final JobId JOB = JobId.parse("job-stop");
  private static final Duration SLOW_AGENT_TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path dir;
  private Fleet fleet;
  private ExampleRepo repo;
  private Path pids;
  private String sleeper;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) throws Exception {
    fleet = new Fleet(stack, namespace, dir, 2);
    repo = ExampleRepo.create(dir.resolve("repo"), 2, 0);
    pids = Files.createDirectories(dir.resolve("pids"));
    sleeper = Agents.sleeper(dir.resolve("agent"), pids, 300);
  }

  @AfterEach
  void closeFleet() {
    fleet.close();
  }

  @Test
  void closingTheWorkerHandsTheRunningUnitBackAndKillsItsAgent() {
    WorkUnit unit = TestUnits.aUnit(repo, JOB, 1, 1, sleeper, SLOW_AGENT_TIMEOUT);
    Worker worker = fleet.start("w1");
    fleet.publish(unit);
    awaitAgentRunning();
    await("healthy").atMost(Fleet.PATIENCE).until(worker::isHealthy);

    worker.close();

    UnitEvent last = fleet.lastEvent(unit.key());
    assertThat(last.status()).as("last event").isEqualTo(UnitStatus.RETRYING);
    assertThat(last.reason()).as("reason").isEqualTo(Reason.WORKER_SHUTDOWN);
    assertThat(fleet.locked(unit.key())).as("lock held").isFalse();
    assertThat(Processes.running(pids.resolve("u1.agent.pid"))).as("the agent").isFalse();
    assertThat(Processes.running(pids.resolve("u1.child.pid"))).as("the agent's child").isFalse();
    assertThat(worker.isHealthy()).as("healthy after close").isFalse();
    assertThat(
            fleet
                .redis
                .getBucket(fleet.keys.worker(WorkerId.parse("w1")), StringCodec.INSTANCE)
                .isExists())
        .as("heartbeat after close")
        .isFalse();
  }

  /** A cancel and a supersession (main already does the unit's work) stop a unit the same way. */
  @ParameterizedTest
  @EnumSource(
      value = UnitStatus.class,
      names = {"CANCELLED", "SUPERSEDED"})
  void aUnitEndedWhileItRunsHasItsAgentKilledAndItsLeaseReleasedWithoutAnEvent(UnitStatus end) {
    WorkUnit unit = TestUnits.aUnit(repo, JOB, 1, 1, sleeper, SLOW_AGENT_TIMEOUT);
    WorkUnit next =
        TestUnits.aUnit(repo, JOB, 2, ScriptedAgent.fixer(dir.resolve("fixer")).command());
    Worker worker = fleet.start("w1");
    fleet.publish(unit);
    awaitAgentRunning();

    fleet.setString(fleet.keys.unit(unit.key()), ended(unit, end));

    await("the agent and its child are killed")
        .atMost(Fleet.PATIENCE)
        .until(
            () ->
                !Processes.running(pids.resolve("u1.agent.pid"))
                    && !Processes.running(pids.resolve("u1.child.pid")));
    await("the lock is released").atMost(Fleet.PATIENCE).until(() -> !fleet.locked(unit.key()));
    // The events reader may lag behind the worker on a loaded machine: wait for it, bounded.
    await("the events of the stopped unit")
        .atMost(Fleet.PATIENCE)
        .untilAsserted(
            () ->
                assertThat(fleet.statuses(unit.key()))
                    .as("events of the stopped unit")
                    .containsExactly(UnitStatus.CLAIMED, UnitStatus.RUNNING));
    assertThat(dir.resolve("workers/w1/units/job-stop-u1-a1")).as("worktree").doesNotExist();

    fleet.publish(next);
    await("the slot takes the next unit")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(next.key()).contains(UnitStatus.PUSHED));
    // PUSHED is emitted before the attempt removes its worktree and frees the slot.
    await("the slot is free again").atMost(Fleet.PATIENCE).until(() -> worker.busySlots() == 0);
  }

  @Test
  void aWorkerClosedBeforeItStartedIsNotHealthyAndClosesCleanly() {
    Worker worker =
        new Worker(
            fleet.config("w9"),
            WorkerClients.connect(fleet.config("w9")),
            new dev.fleetq.exec.sandbox.ProcessSandbox(),
            java.time.Clock.systemUTC());

    assertThat(worker.isHealthy()).as("healthy before start").isFalse();
    worker.close();
    worker.close();
    assertThat(worker.isHealthy()).as("healthy after close").isFalse();
  }

  private void awaitAgentRunning() {
    await("the agent runs")
        .atMost(Fleet.PATIENCE)
        .until(() -> Files.exists(pids.resolve("u1.child.pid")));
  }

  /** The unit's projected state, ended from outside the worker as {@code status}. */
  private static String ended(WorkUnit unit, UnitStatus status) {
    return Json.encodeToString(
        new UnitState(
            unit.jobId(),
            unit.unitId(),
            unit.title(),
            status,
            unit.attempt(),
            WorkerId.parse("w1"),
            List.of(),
            null,
            Instant.parse("2026-01-31T12:00:00Z")));
  }
}
