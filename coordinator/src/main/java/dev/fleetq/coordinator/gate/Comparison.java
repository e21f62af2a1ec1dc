package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.plan.TestReport;
import dev.fleetq.coordinator.plan.TestResult;
import java.util.ArrayList;
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
 * @param fixed the ids of the fixed tests, in report order
 * @param passing every test that passes now
 */
record Comparison(
    List<String> broken, List<String> brokenIds, List<String> fixed, Set<String> passing) {

  Comparison {
    broken = List.copyOf(broken);
    brokenIds = List.copyOf(brokenIds);
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
    for (String id : baselinePassing.stream().sorted().toList()) {
      TestResult result = now.get(id);
      if (result == null || result.status() != TestResult.Status.PASSED) {
        broken.add(id + ": " + describe(result));
        brokenIds.add(id);
      }
    }
    Set<String> passing = report == null ? Set.of() : report.passing();
    List<String> fixed = passing.stream().filter(id -> !baselinePassing.contains(id)).toList();
    return new Comparison(broken, brokenIds, fixed, passing);
  }

  /** Whether any test that passed on the baseline does not pass now. */
  boolean hasRegressions() {
    return !broken.isEmpty();
  }

  private static String describe(TestResult result) {
    if (result == null) {
      return "missing (it passed on main and did not run with the candidate)";
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
