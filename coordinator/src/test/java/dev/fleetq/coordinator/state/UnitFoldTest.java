package dev.fleetq.coordinator.state;

import static dev.fleetq.model.ModelFixtures.JOB;
import static dev.fleetq.model.ModelFixtures.T0;
import static dev.fleetq.model.ModelFixtures.UNIT;
import static dev.fleetq.model.ModelFixtures.WORKER;
import static dev.fleetq.model.unit.UnitStatus.CANCELLED;
import static dev.fleetq.model.unit.UnitStatus.CLAIMED;
import static dev.fleetq.model.unit.UnitStatus.FAILED;
import static dev.fleetq.model.unit.UnitStatus.GATING;
import static dev.fleetq.model.unit.UnitStatus.LANDED;
import static dev.fleetq.model.unit.UnitStatus.PUBLISHED;
import static dev.fleetq.model.unit.UnitStatus.PUSHED;
import static dev.fleetq.model.unit.UnitStatus.RETRYING;
import static dev.fleetq.model.unit.UnitStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.AttemptFailure;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnitFoldTest {
  private static final WorkerId OTHER = WorkerId.parse("worker-2");

  /** Two attempts: the first regressed, the second landed. */
  private static final List<UnitEvent> TWO_ATTEMPTS =
      List.of(
          event(1, PUBLISHED, null, null, 0),
          event(1, CLAIMED, WORKER, null, 1),
          event(1, RUNNING, WORKER, null, 2),
          event(1, PUSHED, WORKER, null, 3),
          event(1, GATING, null, null, 4),
          event(1, RETRYING, null, Reason.REGRESSION, 5),
          event(2, PUBLISHED, null, null, 6),
          event(2, CLAIMED, OTHER, null, 7),
          event(2, RUNNING, OTHER, null, 8),
          event(2, PUSHED, OTHER, null, 9),
          event(2, GATING, null, null, 10),
          event(2, LANDED, null, null, 11));

  @Test
  void firstEventStartsTheUnitInItsStatus() {
    UnitState state = UnitFold.apply(null, event(1, CLAIMED, WORKER, null, 0));

    assertThat(state.status()).as("status").isEqualTo(CLAIMED);
    assertThat(state.attempt()).as("attempt").isEqualTo(1);
    assertThat(state.worker()).as("worker").isEqualTo(WORKER);
    assertThat(state.updatedAt()).as("updated at").isEqualTo(T0);
  }

  @Test
  void allowedMoveOfTheCurrentAttemptMovesTheUnitAndKeepsItsWorker() {
    UnitState claimed =
        fold(event(1, PUBLISHED, null, null, 0), event(1, CLAIMED, WORKER, null, 1));

    UnitState gating =
        UnitFold.apply(
            fold(claimed, event(1, RUNNING, null, null, 2)), event(1, GATING, null, null, 3));

    assertThat(gating.status()).as("status after RUNNING then GATING").isEqualTo(GATING);
    assertThat(gating.worker()).as("worker kept from the claim").isEqualTo(WORKER);
  }

  @Test
  void backwardOrRepeatedMoveOfTheCurrentAttemptChangesNothing() {
    UnitState running =
        fold(
            event(1, PUBLISHED, null, null, 0),
            event(1, CLAIMED, WORKER, null, 1),
            event(1, RUNNING, WORKER, null, 2));

    assertThat(UnitFold.apply(running, event(1, CLAIMED, WORKER, null, 3)))
        .as("state after a late CLAIMED")
        .isSameAs(running);
    assertThat(UnitFold.apply(running, event(1, RUNNING, WORKER, null, 3)))
        .as("state after a repeated RUNNING")
        .isSameAs(running);
  }

  @Test
  void endedUnitNeverMovesAgain() {
    UnitState landed = fold(TWO_ATTEMPTS.toArray(UnitEvent[]::new));

    assertThat(UnitFold.apply(landed, event(2, CANCELLED, null, Reason.CANCELLED, 20)))
        .as("landed unit after CANCELLED")
        .isSameAs(landed);
    assertThat(UnitFold.apply(landed, event(3, PUBLISHED, null, null, 21)))
        .as("landed unit after a newer attempt's PUBLISHED")
        .isSameAs(landed);
  }

  @Test
  void gatesVerdictBeforeTheWorkersPushedStillMovesTheUnitForward() {
    UnitState running =
        fold(
            event(1, PUBLISHED, null, null, 0),
            event(1, CLAIMED, WORKER, null, 1),
            event(1, RUNNING, WORKER, null, 2));

    UnitState gating = UnitFold.apply(running, event(1, GATING, null, null, 3));
    UnitState afterLatePush = UnitFold.apply(gating, event(1, PUSHED, WORKER, null, 4));

    assertThat(gating.status()).as("status after GATING skipped PUSHED").isEqualTo(GATING);
    assertThat(afterLatePush).as("state after the late PUSHED").isSameAs(gating);
    assertThat(UnitFold.canReach(RETRYING, PUBLISHED))
        .as("RETRYING reaches PUBLISHED within one attempt")
        .isFalse();
    assertThat(UnitFold.canReach(PUBLISHED, LANDED)).as("PUBLISHED reaches LANDED").isTrue();
  }

  @Test
  void olderAttemptsEventOnlyAddsItsFailureToTheHistory() {
    UnitState second =
        fold(
            event(1, PUBLISHED, null, null, 0),
            event(2, PUBLISHED, null, null, 1),
            event(2, CLAIMED, OTHER, null, 2));

    UnitState late = UnitFold.apply(second, event(1, RETRYING, WORKER, Reason.LEASE_LOST, 3));
    UnitState lateRunning = UnitFold.apply(late, event(1, RUNNING, WORKER, null, 4));

    assertThat(late.status()).as("status").isEqualTo(CLAIMED);
    assertThat(late.attempt()).as("attempt").isEqualTo(2);
    assertThat(late.worker()).as("worker").isEqualTo(OTHER);
    assertThat(late.failures())
        .as("history")
        .containsExactly(new AttemptFailure(1, Reason.LEASE_LOST, "detail of 3"));
    assertThat(lateRunning).as("state after an older attempt's RUNNING").isSameAs(late);
  }

  @Test
  void newerAttemptsEventStartsThatAttemptEvenBeforeItsPublishedEvent() {
    UnitState retrying =
        fold(
            event(1, PUBLISHED, null, null, 0),
            event(1, CLAIMED, WORKER, null, 1),
            event(1, RETRYING, WORKER, Reason.AGENT_FAILED, 2));

    UnitState claimed = UnitFold.apply(retrying, event(2, CLAIMED, OTHER, null, 3));
    UnitState afterPublished = UnitFold.apply(claimed, event(2, PUBLISHED, null, null, 4));

    assertThat(claimed.attempt()).as("attempt").isEqualTo(2);
    assertThat(claimed.status()).as("status").isEqualTo(CLAIMED);
    assertThat(claimed.worker()).as("worker").isEqualTo(OTHER);
    assertThat(claimed.failures())
        .as("history")
        .extracting(AttemptFailure::reason)
        .containsExactly(Reason.AGENT_FAILED);
    assertThat(afterPublished).as("state after the late PUBLISHED").isSameAs(claimed);
  }

  @Test
  void retryingRecordsTheFailureOfItsAttemptOnce() {
    UnitState failed =
        fold(
            event(1, PUBLISHED, null, null, 0),
            event(1, CLAIMED, WORKER, null, 1),
            event(1, RETRYING, WORKER, Reason.AGENT_FAILED, 2),
            event(1, FAILED, null, Reason.ATTEMPTS_EXHAUSTED, 3));

    assertThat(failed.status()).as("status").isEqualTo(FAILED);
    assertThat(failed.failures())
        .as("history")
        .containsExactly(new AttemptFailure(1, Reason.AGENT_FAILED, "detail of 2"));
  }

  @Test
  void foldingTheSameEventsAgainOrFromScratchGivesTheSameState() {
    UnitState once = fold(TWO_ATTEMPTS.toArray(UnitEvent[]::new));
    UnitState again = once;
    for (UnitEvent event : TWO_ATTEMPTS) {
      again = UnitFold.apply(again, event);
    }
    UnitState fromScratch = fold(TWO_ATTEMPTS.toArray(UnitEvent[]::new));

    assertThat(once.status()).as("status after two attempts").isEqualTo(LANDED);
    assertThat(once.failures())
        .as("history")
        .extracting(AttemptFailure::attempt)
        .containsExactly(1);
    assertThat(again).as("state after replaying every event").isEqualTo(once);
    assertThat(fromScratch).as("state folded from scratch").isEqualTo(once);
  }

  @Test
  void everyEventDeliveredTwiceGivesTheSameStateAsOnce() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      List<UnitEvent> duplicated = new ArrayList<>();
      for (UnitEvent event : TWO_ATTEMPTS) {
        duplicated.add(event);
        if (random.nextBoolean()) {
          duplicated.add(event);
        }
      }
      // Redeliveries of earlier events after the end, as after a consumer restart.
      List<UnitEvent> tail =
          new ArrayList<>(TWO_ATTEMPTS.subList(0, random.nextInt(TWO_ATTEMPTS.size())));
      Collections.shuffle(tail, random);
      duplicated.addAll(tail);

      assertThat(fold(duplicated.toArray(UnitEvent[]::new)))
          .as("state after at-least-once delivery, round " + round)
          .isEqualTo(fold(TWO_ATTEMPTS.toArray(UnitEvent[]::new)));
    }
  }

  private static UnitState fold(UnitEvent... events) {
    return fold(null, events);
  }

  private static UnitState fold(UnitState start, UnitEvent... events) {
    UnitState state = start;
    for (UnitEvent event : events) {
      state = UnitFold.apply(state, event);
    }
    return state;
  }

  private static UnitEvent event(
      int attempt, UnitStatus status, WorkerId worker, Reason reason, int second) {
    return new UnitEvent(
        JOB,
        UNIT,
        attempt,
        status,
        worker,
        reason,
        reason == null ? null : "detail of " + second,
        T0.plusSeconds(second));
  }
}
