package dev.fleetq.coordinator.publish;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.coordinator.testing.Units;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.AttemptFailure;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.client.codec.StringCodec;

@WithDevStack
class UnitPublisherTest {
  private Harness harness;
  private UnitPublisher publisher;
  private TopicTail units;
  private TopicTail events;

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace, @TempDir Path dir) {
    harness = new Harness(stack, namespace, dir).provision();
    publisher = harness.publisher(Clock.systemUTC());
    units = harness.tail(harness.topics().units());
    events = harness.tail(harness.topics().events());
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void publishingSendsTheUnitRecordsItsSpecRaisesTheFenceAndEmitsPublished() {
    WorkUnit unit = ModelFixtures.aWorkUnit();

    assertThat(publisher.publish(unit)).as("outcome").isEqualTo(PublishOutcome.PUBLISHED);

    eventually().until(() -> units.records().size() == 1 && events.records().size() == 1);
    assertThat(TopicTail.key(units.records().get(0)))
        .as("record key")
        .isEqualTo(unit.key().value());
    assertThat(units.units()).as("units").containsExactly(unit);
    assertThat(spec(unit.key())).as("unit-spec").isEqualTo(unit);
    assertThat(fence(unit.key())).as("fence").isEqualTo(1);
    assertThat(events.unitEvents())
        .as("events")
        .singleElement()
        .satisfies(e -> assertThat(e.status()).as("status").isEqualTo(UnitStatus.PUBLISHED))
        .satisfies(e -> assertThat(e.attempt()).as("attempt").isEqualTo(1));
  }

  @Test
  void attemptBelowTheFenceIsNotPublished() {
    WorkUnit unit = ModelFixtures.aWorkUnit();
    harness.redis().getAtomicLong(harness.keys().attempt(unit.key())).set(2);

    assertThat(publisher.publish(unit)).as("outcome").isEqualTo(PublishOutcome.STALE);
    assertThat(fence(unit.key())).as("fence").isEqualTo(2);
    assertThat(units.records()).as("units").isEmpty();
  }

  @Test
  void retryPublishesTheNextAttemptOnceEvenWhenAskedAgain() {
    WorkUnit unit = ModelFixtures.aWorkUnit();
    publisher.publish(unit);
    AttemptFailure failure = new AttemptFailure(1, Reason.REGRESSION, "broke CalculatorTest#adds");

    assertThat(publisher.retry(unit.key(), failure))
        .as("first retry")
        .isEqualTo(RetryOutcome.REPUBLISHED);
    assertThat(publisher.retry(unit.key(), failure))
        .as("replayed retry")
        .isEqualTo(RetryOutcome.ALREADY_HANDLED);

    eventually().until(() -> units.records().size() >= 2);
    assertThat(units.units())
        .as("attempts on the units topic")
        .extracting(WorkUnit::attempt)
        .containsExactly(1, 2);
    WorkUnit second = units.units().get(1);
    assertThat(second.previousFailure())
        .as("previous failure")
        .isEqualTo("attempt 1 ended with REGRESSION: broke CalculatorTest#adds");
    assertThat(fence(unit.key())).as("fence").isEqualTo(2);
    assertThat(spec(unit.key()).attempt()).as("unit-spec attempt").isEqualTo(2);
  }

  @Test
  void retryLeavesOutTheTargetsThatMainNowPassesAndSaysSo() {
    WorkUnit first = ModelFixtures.aWorkUnit();
    WorkUnit unit =
        first.nextAttempt(null, List.of("CalcTest#adds", "CalcTest#divides"), first.publishedAt());
    publisher.publish(unit);
    harness
        .redis()
        .<String>getBucket(harness.keys().gate(unit.repo().repoId()), StringCodec.INSTANCE)
        .set(
            Json.encodeToString(
                new GateBaseline(
                    unit.repo().repoId(), "a".repeat(40), Set.of("CalcTest#adds"), Instant.now())));

    publisher.retry(unit.key(), new AttemptFailure(2, Reason.NO_CHANGES, "changed nothing"));

    eventually().until(() -> units.records().size() >= 2);
    WorkUnit next = units.units().get(1);
    assertThat(next.targetTests()).as("targets of attempt 3").containsExactly("CalcTest#divides");
    assertThat(next.previousFailure())
        .as("previous failure")
        .isEqualTo(
            "attempt 2 ended with NO_CHANGES: changed nothing\n\nMain now passes CalcTest#adds,"
                + " so they are no longer this unit's targets.");
  }

  @Test
  void retryFinishesARetryThatWasInterruptedAfterMovingTheFence() {
    WorkUnit unit = ModelFixtures.aWorkUnit();
    publisher.publish(unit);
    // A coordinator moved the fence and died before publishing attempt 2.
    harness.redis().getAtomicLong(harness.keys().attempt(unit.key())).set(2);

    RetryOutcome outcome =
        publisher.retry(unit.key(), new AttemptFailure(1, Reason.TIMED_OUT, null));

    assertThat(outcome).as("outcome").isEqualTo(RetryOutcome.REPUBLISHED);
    eventually().until(() -> units.records().size() >= 2);
    assertThat(units.units()).as("attempts").extracting(WorkUnit::attempt).containsExactly(1, 2);
  }

  @Test
  void unitThatUsedItsAttemptsFailsWithTheReasonOfEveryAttempt() {
    WorkUnit unit = Units.withMaxAttempts(ModelFixtures.aWorkUnit(), 2);
    publisher.publish(unit);

    AttemptFailure first = new AttemptFailure(1, Reason.AGENT_FAILED, "exit 1");
    publisher.retry(unit.key(), first);
    // The earlier attempts' reasons come from the projection, which the projector writes before it
    // asks for a retry.
    project(unit, first);
    RetryOutcome outcome =
        publisher.retry(unit.key(), new AttemptFailure(2, Reason.CONFLICT, "src/a.txt"));

    assertThat(outcome).as("outcome").isEqualTo(RetryOutcome.FAILED);
    eventually()
        .until(() -> events.unitEvents().stream().anyMatch(e -> e.status() == UnitStatus.FAILED));
    UnitEvent failed =
        events.unitEvents().stream()
            .filter(e -> e.status() == UnitStatus.FAILED)
            .findFirst()
            .orElseThrow();
    assertThat(failed.attempt()).as("attempt").isEqualTo(2);
    assertThat(failed.reason()).as("reason").isEqualTo(Reason.ATTEMPTS_EXHAUSTED);
    assertThat(failed.detail())
        .as("detail")
        .isEqualTo(
            "used all 2 attempts\nattempt 1: AGENT_FAILED (exit 1)\nattempt 2: CONFLICT (src/a.txt)");
    assertThat(units.units())
        .as("attempts on the units topic")
        .extracting(WorkUnit::attempt)
        .containsExactly(1, 2);
    assertThat(fence(unit.key())).as("fence").isEqualTo(2);
  }

  @Test
  void unitFailsAtOnceForAReasonThatCannotBeRetried() {
    WorkUnit unit = ModelFixtures.aWorkUnit();
    publisher.publish(unit);

    RetryOutcome outcome =
        publisher.retry(
            unit.key(), new AttemptFailure(1, Reason.STALE_ATTEMPT, "attempt 1 is stale"));

    assertThat(outcome).as("outcome").isEqualTo(RetryOutcome.FAILED);
    eventually().until(() -> events.unitEvents().size() == 2);
    UnitEvent failed = events.unitEvents().get(1);
    assertThat(failed.status()).as("status").isEqualTo(UnitStatus.FAILED);
    assertThat(failed.reason()).as("reason").isEqualTo(Reason.STALE_ATTEMPT);
    assertThat(failed.detail())
        .as("detail")
        .startsWith("STALE_ATTEMPT cannot be retried\nattempt 1: STALE_ATTEMPT");
    assertThat(units.units()).as("attempts").hasSize(1);
  }

  @Test
  void retryOfAnUnknownUnitDoesNothing() {
    UnitKey key = ModelFixtures.aWorkUnit().key();

    assertThat(publisher.retry(key, new AttemptFailure(1, Reason.AGENT_FAILED, null)))
        .as("outcome")
        .isEqualTo(RetryOutcome.UNKNOWN_UNIT);
  }

  private void project(WorkUnit unit, AttemptFailure... failures) {
    UnitState state =
        new UnitState(
            unit.jobId(),
            unit.unitId(),
            unit.title(),
            UnitStatus.RETRYING,
            2,
            null,
            List.of(failures),
            null,
            unit.publishedAt());
    harness
        .redis()
        .<String>getBucket(harness.keys().unit(unit.key()), StringCodec.INSTANCE)
        .set(Json.encodeToString(state));
  }

  private WorkUnit spec(UnitKey key) {
    String json =
        harness.redis().<String>getBucket(harness.keys().unitSpec(key), StringCodec.INSTANCE).get();
    return Json.decode(json, WorkUnit.class);
  }

  private long fence(UnitKey key) {
    return harness.redis().getAtomicLong(harness.keys().attempt(key)).get();
  }
}
