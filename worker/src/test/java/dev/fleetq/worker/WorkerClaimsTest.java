package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import dev.fleetq.worker.claim.ClaimOutcome.SkipReason;
import dev.fleetq.worker.testing.TestUnits;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RLock;

/** Claims in Redis: which deliveries a worker works on and which it skips. */
@WithDevStack
class WorkerClaimsTest {
  private static final JobId JOB = JobId.parse("job-claims");

  @TempDir Path dir;
  private Fleet fleet;
  private ExampleRepo repo;
  private String fixer;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) {
    fleet = new Fleet(stack, namespace, dir, 2);
    repo = ExampleRepo.create(dir.resolve("repo"), 5, 0);
    fixer = ScriptedAgent.fixer(dir.resolve("agent")).command();
  }

  @AfterEach
  void closeFleet() {
    fleet.close();
  }

  @Test
  void unitsThatAreLockedStaleLandedOrCancelledAreSkippedAndTheRestIsWorkedOn()
      throws InterruptedException {
    WorkUnit locked = TestUnits.aUnit(repo, JOB, 1, fixer);
    WorkUnit stale = TestUnits.aUnit(repo, JOB, 2, fixer);
    WorkUnit landed = TestUnits.aUnit(repo, JOB, 3, fixer);
    WorkUnit cancelled = TestUnits.aUnit(repo, JOB, 4, fixer);
    WorkUnit fresh = TestUnits.aUnit(repo, JOB, 5, fixer);
    RLock otherWorkersLock = fleet.redis.getLock(fleet.keys.unitLock(locked.key()));
    assertThat(otherWorkersLock.tryLock(0, 120, TimeUnit.SECONDS)).as("test holds u1").isTrue();
    fleet.setString(fleet.keys.unit(locked.key()), state(locked, UnitStatus.RUNNING));
    fleet.setString(fleet.keys.attempt(stale.key()), "2");
    fleet.setString(fleet.keys.landed(landed.key()), "c".repeat(40));
    fleet.setString(fleet.keys.unit(cancelled.key()), state(cancelled, UnitStatus.CANCELLED));
    Worker worker = fleet.start("w1");
    List.of(locked, stale, landed, cancelled, fresh).forEach(fleet::publish);

    await("the fresh unit is pushed")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(fresh.key()).contains(UnitStatus.PUSHED));
    await("four deliveries skipped")
        .atMost(Fleet.PATIENCE)
        .until(
            () ->
                worker.skipped(SkipReason.LOCK_HELD) == 1
                    && worker.skipped(SkipReason.NEWER_ATTEMPT) == 1
                    && worker.skipped(SkipReason.LANDED) == 1
                    && worker.skipped(SkipReason.FINISHED) == 1);

    for (WorkUnit skipped : List.of(locked, stale, landed, cancelled)) {
      assertThat(fleet.statuses(skipped.key())).as("events of %s", skipped.key()).isEmpty();
    }
    assertThat(otherWorkersLock.isHeldByCurrentThread()).as("the test still holds u1").isTrue();
    assertThat(fleet.gateRequests()).as("gate requests").hasSize(1);
    otherWorkersLock.unlock();
  }

  @Test
  void aDeliveryWhosePreviousAttemptStillHoldsTheLockComesAgainAndIsClaimedOnceTheLockIsFree()
      throws InterruptedException {
    WorkUnit first = TestUnits.aUnit(repo, JOB, 1, fixer);
    WorkUnit second = first.nextAttempt("attempt 1 ended with REFUSED", TestUnits.PUBLISHED_AT);
    RLock previousAttemptsLock = fleet.redis.getLock(fleet.keys.unitLock(second.key()));
    assertThat(previousAttemptsLock.tryLock(0, 120, TimeUnit.SECONDS))
        .as("test holds u1 as attempt 1's worker")
        .isTrue();
    fleet.setString(fleet.keys.attempt(second.key()), "2");
    fleet.setString(fleet.keys.unit(second.key()), state(second, UnitStatus.PUBLISHED));
    Worker worker = fleet.start("w1");
    fleet.publish(second);

    await("the delivery is handed back")
        .atMost(Fleet.PATIENCE)
        .until(() -> worker.skipped(SkipReason.HANDING_OVER) >= 1);
    assertThat(fleet.statuses(second.key())).as("events while the lock is held").isEmpty();
    assertThat(fleet.redis.getBucket(fleet.keys.delivered(second.key(), 2)).isExists())
        .as("the delivery of attempt 2 is marked")
        .isTrue();
    previousAttemptsLock.unlock();

    await("attempt 2 is pushed")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(second.key()).contains(UnitStatus.PUSHED));
    assertThat(fleet.gateRequests())
        .as("gate requests")
        .singleElement()
        .satisfies(r -> assertThat(r.attempt()).as("attempt").isEqualTo(2));
    assertThat(worker.skipped(SkipReason.LOCK_HELD)).as("deliveries dropped").isZero();
  }

  private static String state(WorkUnit unit, UnitStatus status) {
    return Json.encodeToString(
        new UnitState(
            unit.jobId(),
            unit.unitId(),
            unit.title(),
            status,
            unit.attempt(),
            null,
            List.of(),
            null,
            Instant.parse("2026-01-31T12:00:00Z")));
  }
}
