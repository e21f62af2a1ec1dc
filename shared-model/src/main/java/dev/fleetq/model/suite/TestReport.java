package dev.fleetq.model.suite;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The results of one run of a test suite, read from all of its JUnit XML report files: at most one
 * result per test id.
 *
 * <p>Immutable and thread-safe.
 *
 * @param results one result per test id, in the order the tests first appear in the reports
 * @param files the report files the results were read from, in the order they were read
 */
public record TestReport(List<TestResult> results, List<Path> files) {
  public TestReport {
    results = List.copyOf(results);
    files = List.copyOf(files);
    Set<String> ids = new LinkedHashSet<>();
    for (TestResult result : results) {
      if (!ids.add(result.id())) {
        throw new IllegalArgumentException("test id " + result.id() + " appears more than once");
      }
    }
  }

  /** The ids of the tests that passed, in report order. */
  public Set<String> passing() {
    return ids(status -> status == TestResult.Status.PASSED);
  }

  /** The ids of the tests that failed or errored, in report order. */
  public Set<String> failing() {
    return ids(TestResult.Status::isFailing);
  }

  /** Every result by its test id, in report order. */
  public Map<String, TestResult> byId() {
    Map<String, TestResult> byId = new LinkedHashMap<>();
    results.forEach(result -> byId.put(result.id(), result));
    return Collections.unmodifiableMap(byId);
  }

  private Set<String> ids(Predicate<TestResult.Status> wanted) {
    Set<String> ids = new LinkedHashSet<>();
    for (TestResult result : results) {
      if (wanted.test(result.status())) {
        ids.add(result.id());
      }
    }
    return Collections.unmodifiableSet(ids);
  }
}
