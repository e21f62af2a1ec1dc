package dev.fleetq.coordinator.plan;

import dev.fleetq.model.job.FailingTestsPlan.GroupBy;
import dev.fleetq.model.suite.TestResult;
import dev.fleetq.model.wire.Limits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits a suite's failing tests into the groups that become one unit each, as a plan's {@link
 * GroupBy} says. Groups keep the report's order, by their first test and within each group; a group
 * larger than the {@value Limits#MAX_LIST_ENTRIES} targets a unit may have is cut into several.
 *
 * <p>Stateless and thread-safe.
 */
final class FailureGroups {
  private FailureGroups() {}

  /**
   * One group of failing tests per signature, class, file or test.
   *
   * @param failing the failing tests, in report order
   */
  static List<List<TestResult>> of(List<TestResult> failing, GroupBy groupBy) {
    Function<TestResult, String> key = key(groupBy);
    Map<String, List<TestResult>> groups = new LinkedHashMap<>();
    for (TestResult test : failing) {
      groups.computeIfAbsent(key.apply(test), k -> new ArrayList<>()).add(test);
    }
    List<List<TestResult>> units = new ArrayList<>(groups.size());
    for (List<TestResult> group : groups.values()) {
      for (int from = 0; from < group.size(); from += Limits.MAX_LIST_ENTRIES) {
        units.add(
            List.copyOf(
                group.subList(from, Math.min(group.size(), from + Limits.MAX_LIST_ENTRIES))));
      }
    }
    return units;
  }

  private static Function<TestResult, String> key(GroupBy groupBy) {
    return switch (groupBy) {
      case TEST -> TestResult::id;
      case SIGNATURE -> FailureSignature::of;
      case CLASS -> test -> FailureSignature.testClass(test.id());
      case FILE -> test -> FailureSignature.testClass(test.id()).split("\\$", 2)[0];
    };
  }
}
