package dev.fleetq.coordinator.gate;

import static dev.fleetq.coordinator.gate.GateHarness.breaking;
import static dev.fleetq.coordinator.gate.GateHarness.fix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.gate.GateHarness.Candidate;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Main holds a flaky test 7 that fails on its first run only (it leaves a marker outside the
 * worktree) and passed when the planner measured the baseline; tests 1 to 3 fail and 4 to 6 pass.
 */
@WithDevStack
class FlakeFilterTest {
  private static final String FLAKY = "example.tests#t07";

  @TempDir Path dir;
  private GateHarness harness;

  @BeforeEach
  void startGateOnAMainWithAFlakyTest(DevStack stack, TestNamespace namespace) {
    harness = new GateHarness(stack, namespace, dir);
    Path marker = dir.resolve("t07-has-run");
    String flakyTest =
        "[ -e %s ] && exit 0\ntouch %s\necho 'failed on its first run'\nexit 1"
            .formatted(marker, marker);
    Candidate withFlakyTest =
        harness.candidate("setup", Map.of("tests/t07.sh", flakyTest), List.of());
    harness.moveMain(withFlakyTest.commit());
    harness.saveBaseline(
        new GateBaseline(
            harness.repoId(),
            withFlakyTest.commit(),
            Set.of(ExampleRepo.testId(4), ExampleRepo.testId(5), ExampleRepo.testId(6), FLAKY),
            Instant.now()));
  }

  @AfterEach
  void stopGate() {
    harness.close();
  }

  @Test
  void testThatFailsOnlyOnItsFirstRunIsCountedAsFlakyAndBlamesNoOne() {
    Candidate candidate = harness.candidate("u1", Map.ofEntries(fix(1)), List.of());

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.status()).as("verdict (%s)", verdict.detail()).isEqualTo(UnitStatus.LANDED);
    assertThat(verdict.detail())
        .as("report")
        .contains("1 fixed, 0 broken, 1 flaky (" + FLAKY + "); 2 suite runs");
    assertThat(harness.flakeCount(FLAKY)).as("flake count").isEqualTo(1);
    assertThat(harness.baseline().orElseThrow().passing())
        .as("new baseline's passing tests")
        .contains(FLAKY, ExampleRepo.testId(1));
  }

  @Test
  void realBreakNextToAFlakyTestIsRefusedNamingOnlyTheBreak() {
    Candidate candidate = harness.candidate("u2", Map.ofEntries(fix(1), breaking(5)), List.of());

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.reason()).as("reason (%s)", verdict.detail()).isEqualTo(Reason.REGRESSION);
    assertThat(verdict.detail())
        .as("refusal")
        .contains(ExampleRepo.testId(5) + ": expected fixed-05")
        .doesNotContain(FLAKY + ":")
        .contains("1 broken, 1 flaky (" + FLAKY + "); 3 suite runs");
    assertThat(harness.flakeCount(FLAKY)).as("flake count").isEqualTo(1);
  }
}
