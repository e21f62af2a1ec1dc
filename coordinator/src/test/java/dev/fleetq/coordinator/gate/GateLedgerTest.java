package dev.fleetq.coordinator.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.unit.WorkUnit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate reads the fences the coordinator's core writes, in the same encoding. */
@WithDevStack
class GateLedgerTest {
  private static final Duration LEASE = Duration.ofSeconds(1);
  private Harness harness;
  private GateLedger ledger;

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace, @TempDir Path dir) {
    harness = new Harness(stack, namespace, dir).provision();
    ledger = new GateLedger(harness.redis(), harness.keys(), LEASE);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void gateReadsTheAttemptThePublisherRaised() {
    UnitPublisher publisher = harness.publisher(Clock.systemUTC());
    WorkUnit first = ModelFixtures.aWorkUnit();

    assertThat(ledger.currentAttempt(first.key())).as("before publishing").isEmpty();
    publisher.publish(first);
    assertThat(ledger.currentAttempt(first.key())).as("after attempt 1").hasValue(1);
    publisher.publish(ModelFixtures.aWorkUnit(first.jobId(), first.unitId(), 3));
    assertThat(ledger.currentAttempt(first.key())).as("after attempt 3").hasValue(3);
  }

  @Test
  void landingMarkIsSetOnceAndClearedOnlyByItsOwnCommit() {
    WorkUnit unit = ModelFixtures.aWorkUnit();
    String ours = ModelFixtures.aCommit('a');
    String theirs = ModelFixtures.aCommit('b');

    assertThat(ledger.markLanded(unit.key(), ours)).as("first mark").isTrue();
    assertThat(ledger.markLanded(unit.key(), theirs)).as("second mark").isFalse();
    ledger.unmarkLanded(unit.key(), theirs);
    assertThat(ledger.landed(unit.key())).as("after clearing another commit").contains(ours);
    ledger.unmarkLanded(unit.key(), ours);
    assertThat(ledger.landed(unit.key())).as("after clearing our commit").isEmpty();
  }

  @Test
  void unconfirmedLandingMarkExpiresAndAConfirmedOneStays() {
    WorkUnit dying = ModelFixtures.aWorkUnit(ModelFixtures.JOB, UnitId.parse("dying"), 1);
    WorkUnit reported = ModelFixtures.aWorkUnit(ModelFixtures.JOB, UnitId.parse("reported"), 1);
    String commit = ModelFixtures.aCommit('c');

    ledger.markLanded(dying.key(), commit);
    ledger.markLanded(reported.key(), commit);
    assertThat(ledger.mark(dying.key()))
        .as("mark of a landing in progress")
        .contains(new GateLedger.Mark(commit, false));
    assertThat(ledger.confirmLanded(reported.key(), ModelFixtures.aCommit('d')))
        .as("confirming another commit")
        .isFalse();
    assertThat(ledger.confirmLanded(reported.key(), commit)).as("confirming the commit").isTrue();

    Harness.eventually().until(() -> ledger.mark(dying.key()).isEmpty());
    assertThat(ledger.mark(reported.key()))
        .as("confirmed mark after the lease")
        .contains(new GateLedger.Mark(commit, true));
  }

  @Test
  void renewedMarksOutliveTheirLeaseAndConfirmedOnesGetNoLeaseBack() {
    WorkUnit landing = ModelFixtures.aWorkUnit(ModelFixtures.JOB, UnitId.parse("landing"), 1);
    WorkUnit orphan = ModelFixtures.aWorkUnit(ModelFixtures.JOB, UnitId.parse("orphan"), 1);
    WorkUnit reported = ModelFixtures.aWorkUnit(ModelFixtures.JOB, UnitId.parse("reported"), 1);
    String commit = ModelFixtures.aCommit('e');
    ledger.markLanded(landing.key(), commit);
    ledger.markLanded(reported.key(), commit);
    ledger.confirmLanded(reported.key(), commit);
    new GateLedger(harness.redis(), harness.keys(), LEASE).markLanded(orphan.key(), commit);

    await("the renewed mark lives on for three leases")
        .during(LEASE.multipliedBy(3))
        .atMost(LEASE.multipliedBy(5))
        .pollInterval(LEASE.dividedBy(4))
        .until(
            () -> {
              ledger.renewLandings();
              return ledger.mark(landing.key()).isPresent();
            });

    assertThat(ledger.mark(landing.key()))
        .as("mark of the landing this gate renews")
        .contains(new GateLedger.Mark(commit, false));
    assertThat(ledger.mark(orphan.key())).as("mark of a gate that died").isEmpty();
    assertThat(ledger.mark(reported.key()))
        .as("confirmed mark after renewals")
        .contains(new GateLedger.Mark(commit, true));
  }
}
