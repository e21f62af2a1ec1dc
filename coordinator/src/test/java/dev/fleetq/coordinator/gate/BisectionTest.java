package dev.fleetq.coordinator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.suite.TestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The search over a chain's prefixes, with a simulated suite: candidate k breaks test "s#k". */
class BisectionTest {

  @Test
  void findsEachCulpritAndTheTestsItBreaks() {
    Set<Integer> culprits = Set.of(7, 20);
    List<Integer> probed = new ArrayList<>();

    Bisection bisection =
        new Bisection(32, run(culprits, 32), Map.of(), 0)
            .search(
                1,
                prefixes -> {
                  probed.addAll(prefixes);
                  return prefixes.stream().map(p -> run(culprits, p)).toList();
                });

    assertThat(bisection.culprits())
        .as("culprits by prefix")
        .isEqualTo(Map.of(7, List.of("s#7"), 20, List.of("s#20")));
    assertThat(probed).as("prefixes run").hasSizeLessThanOrEqualTo(10);
    assertThat(bisection.failures("s#7")).as("runs that saw s#7 fail").isGreaterThan(1);
  }

  @Test
  void culpritsThatBreakTheSameTestAreFoundOneAtATime() {
    Bisection bisection =
        new Bisection(8, breaking(Set.of(3, 6), 8), Map.of(), 0)
            .search(1, prefixes -> prefixes.stream().map(p -> breaking(Set.of(3, 6), p)).toList());

    assertThat(bisection.culprits()).as("culprits by prefix").isEqualTo(Map.of(3, List.of("s#x")));
  }

  @Test
  void neverProbesAPrefixKnownToBeGood() {
    List<Integer> probed = new ArrayList<>();

    Bisection bisection =
        new Bisection(16, breaking(Set.of(12), 16), Map.of(), 10)
            .search(
                1,
                prefixes -> {
                  probed.addAll(prefixes);
                  return prefixes.stream().map(p -> breaking(Set.of(12), p)).toList();
                });

    assertThat(bisection.culprits()).as("culprits by prefix").isEqualTo(Map.of(12, List.of("s#x")));
    assertThat(probed).as("prefixes run").allSatisfy(p -> assertThat(p).isGreaterThan(10));
  }

  @Test
  void aWiderSearchTakesFewerStepsToTheSameCulprits() {
    Set<Integer> culprits = Set.of(7, 20);
    List<List<Integer>> steps = new ArrayList<>();

    Bisection bisection =
        new Bisection(32, run(culprits, 32), Map.of(), 0)
            .search(
                4,
                prefixes -> {
                  steps.add(prefixes);
                  return prefixes.stream().map(p -> run(culprits, p)).toList();
                });

    assertThat(bisection.culprits())
        .as("culprits by prefix")
        .isEqualTo(Map.of(7, List.of("s#7"), 20, List.of("s#20")));
    assertThat(steps).as("steps").hasSizeLessThanOrEqualTo(5);
    assertThat(steps)
        .as("prefixes per step")
        .allSatisfy(step -> assertThat(step).hasSizeBetween(1, 4));
  }

  /** The comparison of a prefix where each culprit k at or below it breaks test "s#k". */
  private static Comparison run(Set<Integer> culprits, int prefix) {
    List<TestResult> results = new ArrayList<>();
    for (int k = 1; k <= 32; k++) {
      boolean broken = culprits.contains(k) && k <= prefix;
      results.add(
          new TestResult(
              "s#" + k,
              broken ? TestResult.Status.FAILED : TestResult.Status.PASSED,
              null,
              Duration.ZERO));
    }
    return Comparison.of(
        Set.copyOf(results.stream().map(TestResult::id).toList()),
        new TestReport(results, List.of()));
  }

  /** Every culprit at or below the prefix breaks the same test "s#x". */
  private static Comparison breaking(Set<Integer> culprits, int prefix) {
    boolean broken = culprits.stream().anyMatch(k -> k <= prefix);
    TestResult result =
        new TestResult(
            "s#x",
            broken ? TestResult.Status.FAILED : TestResult.Status.PASSED,
            null,
            Duration.ZERO);
    return Comparison.of(Set.of("s#x"), new TestReport(List.of(result), List.of()));
  }
}
