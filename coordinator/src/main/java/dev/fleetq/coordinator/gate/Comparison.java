package dev.fleetq.coordinator.gate;

import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.suite.TestResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A candidate's test results against the baseline. A <b>regression</b> is a test that passed on the
 * baseline and now fails, errors, is skipped or is missing; a <b>fixed</b> test passes now and did
 * not pass on the baseline (it failed there, or did not exist).
 *
 * <p>Immutable and thread-safe.
 *
 * @param broken one line per regression, {@code id: what happened}, in baseline order
 * @param brokenIds the ids of the regressions
 * @param removedIds the ids of the regressions that are missing or skipped rather than failing
 * @param fixed the ids of the fixed tests, in report order
 * @param passing every test that passes now
 */
record Comparison(
    List<String> broken,
    List<String> brokenIds,
    List<String> removedIds,
    List<String> fixed,
    Set<String> passing) {

  Comparison {
    broken = List.copyOf(broken);
    brokenIds = List.copyOf(brokenIds);
    removedIds = List.copyOf(removedIds);
    fixed = List.copyOf(fixed);
    passing = Set.copyOf(passing);
  }

  /**
   * Compares a run with the baseline's passing tests; a run without a report counts every baseline
   * test as missing.
   */
  static Comparison of(Set<String> baselinePassing, TestReport report) {
    Map<String, TestResult> now = report == null ? Map.of() : report.byId();
    List<String> broken = new ArrayList<>();
    List<String> brokenIds = new ArrayList<>();
    List<String> removedIds = new ArrayList<>();
    for (String id : baselinePassing.stream().sorted().toList()) {
      TestResult result = now.get(id);
      if (result == null || result.status() != TestResult.Status.PASSED) {
        broken.add(id + ": " + describe(result));
        brokenIds.add(id);
        // Without any report the suite did not run (a build error), which removes nothing.
        if (report != null && (result == null || result.status() == TestResult.Status.SKIPPED)) {
          removedIds.add(id);
        }
      }
    }
    Set<String> passing = report == null ? Set.of() : report.passing();
    List<String> fixed = passing.stream().filter(id -> !baselinePassing.contains(id)).toList();
    return new Comparison(broken, brokenIds, removedIds, fixed, passing);
  }

  /**
   * The same comparison with the {@code flaky} tests counted as passing: they failed here and
   * passed when the suite ran again, so they blame no one.
   */
  Comparison withoutFlakes(Set<String> flaky) {
    if (flaky.isEmpty()) {
      return this;
    }
    List<String> stillBroken = new ArrayList<>();
    for (int i = 0; i < brokenIds.size(); i++) {
      if (!flaky.contains(brokenIds.get(i))) {
        stillBroken.add(broken.get(i));
      }
    }
    Set<String> nowPassing = new HashSet<>(passing);
    nowPassing.addAll(flaky);
    return new Comparison(
        stillBroken,
        brokenIds.stream().filter(id -> !flaky.contains(id)).toList(),
        removedIds.stream().filter(id -> !flaky.contains(id)).toList(),
        fixed,
        nowPassing);
  }

  /** The same comparison with only the regressions among {@code tests}. */
  Comparison onlyBreaking(Set<String> tests) {
    List<String> stillBroken = new ArrayList<>();
    for (int i = 0; i < brokenIds.size(); i++) {
      if (tests.contains(brokenIds.get(i))) {
        stillBroken.add(broken.get(i));
      }
    }
    return new Comparison(
        stillBroken,
        brokenIds.stream().filter(tests::contains).toList(),
        removedIds.stream().filter(tests::contains).toList(),
        fixed,
        passing);
  }

  /** Whether any test that passed on the baseline does not pass now. */
  boolean hasRegressions() {
    return !broken.isEmpty();
  }

  /**
   * Whether a test that passed on the baseline is missing or skipped now: the candidate made a
   * passing test go away, which is refused as {@code TEST_REMOVED} rather than as a regression.
   */
  boolean removesTests() {
    return !removedIds.isEmpty();
  }

  private static String describe(TestResult result) {
    if (result == null) {
      return "missing (no test with this id ran)";
    }
    String message = result.message() == null ? "" : result.message().strip();
    return switch (result.status()) {
      case FAILED -> message.isEmpty() ? "failed" : message;
      case ERROR -> message.isEmpty() ? "error" : "error: " + message;
      case SKIPPED -> "skipped";
      case PASSED -> "passed";
    };
  }
}
