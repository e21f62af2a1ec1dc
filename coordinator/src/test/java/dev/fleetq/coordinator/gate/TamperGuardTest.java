package dev.fleetq.coordinator.gate;

import static dev.fleetq.coordinator.gate.GateHarness.fix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.gate.GateHarness.Candidate;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate refuses candidates that would weaken its own oracle or reach beyond their unit: test
 * edits, removed or skipped tests, changes outside the scope and changes to protected paths. The
 * example repository has tests 1 to 3 failing and 4 to 6 passing on the initial main.
 */
@WithDevStack
class TamperGuardTest {
  /** The example's runner, except that it reports test 5 as skipped instead of running it. */
  private static final String RUNNER_THAT_SKIPS_T05 =
      """
      #!/bin/sh
      mkdir -p reports
      status=0
      {
        echo '<testsuite name="example.tests">'
        for t in tests/*.sh; do
          name=$(basename "$t" .sh)
          if [ "$name" = t05 ]; then
            echo "<testcase classname=\\"example.tests\\" name=\\"$name\\"><skipped/></testcase>"
          elif sh "$t" >/dev/null 2>&1; then
            echo "<testcase classname=\\"example.tests\\" name=\\"$name\\"/>"
          else
            status=1
            echo "<testcase classname=\\"example.tests\\" name=\\"$name\\"><failure message=\\"x\\"/></testcase>"
          fi
        done
        echo '</testsuite>'
      } > reports/TEST-example.xml
      exit $status""";

  @TempDir Path dir;
  private GateHarness harness;

  @BeforeEach
  void startGate(DevStack stack, TestNamespace namespace) {
    harness = new GateHarness(stack, namespace, dir);
    harness.savePlannersBaseline();
  }

  @AfterEach
  void stopGate() {
    harness.close();
  }

  @Test
  void agentThatDeletesItsFailingTestIsRefusedForEditingTests() {
    String oldMain = harness.repo.mainHead();
    Candidate candidate =
        harness.candidateBy(
            "u1", ScriptedAgent.testDeleter(dir.resolve("agent")), List.of(ExampleRepo.testId(1)));

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.reason()).as("reason (%s)", verdict.detail()).isEqualTo(Reason.TEST_EDIT);
    assertThat(verdict.detail()).as("refusal").contains("tests/t01.sh");
    assertThat(harness.events(candidate.key()))
        .as("events (refused before testing, so never GATING)")
        .extracting(UnitEvent::status)
        .containsExactly(UnitStatus.RETRYING);
    assertThat(harness.repo.mainHead()).as("main").isEqualTo(oldMain);
  }

  @Test
  void deletedPassingTestIsRefusedAsRemovedEvenWhenTestEditsAreAllowed() {
    String oldMain = harness.repo.mainHead();
    Candidate candidate = harness.candidate("u2", Map.ofEntries(fix(1)), List.of("tests/t04.sh"));
    GateSpec trusting = gate().withAllowances(true, false);

    harness.submit(harness.request(candidate, 1, List.of(), trusting));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.reason()).as("reason (%s)", verdict.detail()).isEqualTo(Reason.TEST_REMOVED);
    assertThat(verdict.detail())
        .as("refusal")
        .contains(ExampleRepo.testId(4) + ": missing")
        .contains("missing or skipped: " + ExampleRepo.testId(4));
    assertThat(harness.repo.mainHead()).as("main").isEqualTo(oldMain);
  }

  @Test
  void skippedPassingTestIsRefusedAsRemoved() {
    Candidate candidate =
        harness.candidate(
            "u3",
            Map.of("run-tests.sh", RUNNER_THAT_SKIPS_T05, "src/f01.txt", "fixed-01"),
            List.of());

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.reason()).as("reason (%s)", verdict.detail()).isEqualTo(Reason.TEST_REMOVED);
    assertThat(verdict.detail()).as("refusal").contains(ExampleRepo.testId(5) + ": skipped");
  }

  @Test
  void changesOutsideTheScopeAreRefusedNamingThePaths() {
    Candidate outside = harness.candidate("u4", Map.ofEntries(fix(1), fix(2)), List.of());
    Candidate inside = harness.candidate("u5", Map.ofEntries(fix(3)), List.of());

    harness.submit(harness.request(outside, 1, List.of("src/f01.txt"), gate()));
    harness.submit(harness.request(inside, 1, List.of("src/**"), gate()));
    UnitEvent refused = harness.awaitVerdict(outside.key());
    UnitEvent landed = harness.awaitVerdict(inside.key());

    assertThat(refused.reason()).as("reason (%s)", refused.detail()).isEqualTo(Reason.OUT_OF_SCOPE);
    assertThat(refused.detail())
        .as("refusal")
        .contains("): src/f02.txt. Change only files within the scope.");
    assertThat(landed.status())
        .as("in-scope verdict (%s)", landed.detail())
        .isEqualTo(UnitStatus.LANDED);
  }

  @Test
  void protectedPathsAreRefusedUnlessTheJobAllowsThem() {
    Map<String, String> ci =
        Map.of(".github/workflows/ci.yml", "on: push", "src/f01.txt", "fixed-01");
    Candidate sneaky = harness.candidate("u6", ci, List.of());
    Candidate allowed = harness.candidate("u7", ci, List.of());

    harness.submit(harness.request(sneaky, 1));
    UnitEvent refused = harness.awaitVerdict(sneaky.key());
    harness.submit(harness.request(allowed, 1, List.of(), gate().withAllowances(false, true)));
    UnitEvent landed = harness.awaitVerdict(allowed.key());

    assertThat(refused.reason())
        .as("reason (%s)", refused.detail())
        .isEqualTo(Reason.PROTECTED_PATH);
    assertThat(refused.detail()).as("refusal").contains(".github/workflows/ci.yml");
    assertThat(landed.status())
        .as("allowed verdict (%s)", landed.detail())
        .isEqualTo(UnitStatus.LANDED);
    assertThat(harness.onMain(".github/workflows/ci.yml"))
        .as("CI file on main")
        .isEqualTo("on: push");
  }

  private static GateSpec gate() {
    return GateHarness.gateSpec(ExampleRepo.TEST_COMMAND);
  }
}
