package dev.fleetq.coordinator.gate;

import static dev.fleetq.coordinator.gate.GateHarness.fix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.gate.GateHarness.Candidate;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.QueuedRequest;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GateConfig#maxWait()}: a request that arrives while the gate still collects the window of
 * an earlier one is gated in the same batch; without a wait it is gated in the next one. Which
 * batch a candidate was in shows in the order of the gate's events: a batch announces {@code
 * GATING} for each of its candidates before it lands any.
 */
@WithDevStack
class GateMaxWaitTest {
  @TempDir Path dir;
  private GateHarness harness;

  @AfterEach
  void stopGate() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void requestArrivingWithinMaxWaitIsGatedInTheSameBatch(DevStack stack, TestNamespace namespace) {
    // A window that closes on time would take a minute; this one closes when its second request
    // makes a full batch, so the test shows that the gate waited for it without timing anything.
    start(
        stack, namespace, config -> config.withMaxWait(Duration.ofMinutes(1)).withBatchSizes(1, 2));
    Candidate first = harness.candidate("w1", Map.ofEntries(fix(1)), List.of());
    Candidate second = harness.candidate("w2", Map.ofEntries(fix(2)), List.of());

    harness.submit(harness.request(first, 1));
    Harness.eventually()
        .atMost(GateHarness.VERDICT_WAIT)
        .until(
            () -> harness.queued().stream().map(QueuedRequest::key).toList().contains(first.key()));
    assertThat(harness.events(first.key())).as("events while the window is open").isEmpty();
    harness.submit(harness.request(second, 1));

    assertThat(harness.awaitVerdict(first.key()).status())
        .as("first verdict")
        .isEqualTo(UnitStatus.LANDED);
    assertThat(harness.awaitVerdict(second.key()).status())
        .as("second verdict")
        .isEqualTo(UnitStatus.LANDED);
    assertThat(positionOf(second.key(), UnitStatus.GATING))
        .as("the second candidate is tested before the first lands: one batch")
        .isLessThan(positionOf(first.key(), UnitStatus.LANDED));
    assertThat(harness.recentVerdicts())
        .as("both verdicts report the batch's suite runs")
        .extracting(GateVerdict::suiteRuns)
        .containsOnly(harness.recentVerdicts().get(0).suiteRuns());
    assertThat(harness.queued()).as("queue after the verdicts").isEmpty();
  }

  @Test
  void withoutMaxWaitALaterRequestIsGatedInTheNextBatch(DevStack stack, TestNamespace namespace) {
    start(stack, namespace, config -> config.withMaxWait(Duration.ZERO));
    Candidate first = harness.candidate("z1", Map.ofEntries(fix(1)), List.of());
    Candidate second = harness.candidate("z2", Map.ofEntries(fix(2)), List.of());

    harness.submit(harness.request(first, 1));
    Harness.eventually()
        .atMost(GateHarness.VERDICT_WAIT)
        .until(() -> !harness.events(first.key()).isEmpty());
    harness.submit(harness.request(second, 1));

    assertThat(harness.awaitVerdict(first.key()).status())
        .as("first verdict")
        .isEqualTo(UnitStatus.LANDED);
    assertThat(harness.awaitVerdict(second.key()).status())
        .as("second verdict")
        .isEqualTo(UnitStatus.LANDED);
    assertThat(positionOf(second.key(), UnitStatus.GATING))
        .as("the second candidate is tested after the first landed: another batch")
        .isGreaterThan(positionOf(first.key(), UnitStatus.LANDED));
    assertThat(harness.repo.mainLog("%s").subList(0, 2))
        .as("main's two newest commits")
        .containsExactly(
            "Land " + second.key() + " attempt 1", "Land " + first.key() + " attempt 1");
  }

  private void start(DevStack stack, TestNamespace namespace, UnaryOperator<GateConfig> settings) {
    harness = new GateHarness(stack, namespace, dir, settings, List.of());
    harness.savePlannersBaseline();
  }

  /**
   * Where the unit's first event with the status is among the job's events, which share a
   * partition.
   */
  private int positionOf(UnitKey unit, UnitStatus status) {
    List<UnitEvent> all = harness.allEvents();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).key().equals(unit) && all.get(i).status() == status) {
        return i;
      }
    }
    throw new AssertionError("no " + status + " event of " + unit);
  }
}
