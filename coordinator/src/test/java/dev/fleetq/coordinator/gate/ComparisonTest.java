package dev.fleetq.coordinator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.suite.TestResult;
import dev.fleetq.model.suite.TestResult.Status;
import dev.fleetq.model.wire.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  private static final Set<String> BASELINE = Set.of("s#a", "s#b", "s#c", "s#d", "s#e");

  @Test
  void everyWayOfNoLongerPassingIsARegression() {
    TestReport report =
        report(
            result("s#a", Status.PASSED, null),
            result("s#b", Status.FAILED, "expected 1, got 2"),
            result("s#c", Status.ERROR, "NullPointerException"),
            result("s#d", Status.SKIPPED, null),
            result("s#f", Status.PASSED, null),
            result("s#g", Status.FAILED, "still red"));

    Comparison comparison = Comparison.of(BASELINE, report);

    assertThat(comparison.broken())
        .as("regressions")
        .containsExactly(
            "s#b: expected 1, got 2",
            "s#c: error: NullPointerException",
            "s#d: skipped",
            "s#e: missing (no test with this id ran)");
    assertThat(comparison.removedIds()).as("removed").containsExactly("s#d", "s#e");
    assertThat(comparison.fixed()).as("fixed").containsExactly("s#f");
    assertThat(comparison.passing()).as("passing now").containsExactlyInAnyOrder("s#a", "s#f");
  }

  @Test
  void runWithoutReportLosesEveryBaselineTest() {
    Comparison comparison = Comparison.of(BASELINE, null);

    assertThat(comparison.brokenIds()).as("regressions").hasSize(BASELINE.size());
    assertThat(comparison.removesTests()).as("removes tests").isFalse();
    assertThat(comparison.passing()).as("passing now").isEmpty();
  }

  @Test
  void verdictListsStayWithinTheWireLimits() {
    List<String> many =
        IntStream.range(0, Limits.MAX_LIST_ENTRIES + 5).mapToObj(i -> "t" + i).toList();
    String longId = "x".repeat(Limits.MAX_ENTRY_CHARS + 10);

    assertThat(Decision.Builder.bounded(many)).as("many ids").hasSize(Limits.MAX_LIST_ENTRIES);
    assertThat(Decision.Builder.bounded(List.of(longId)).get(0))
        .as("a long id")
        .hasSize(Limits.MAX_ENTRY_CHARS);
  }

  private static TestReport report(TestResult... results) {
    return new TestReport(List.of(results), List.of());
  }

  private static TestResult result(String id, Status status, String message) {
    return new TestResult(id, status, message, Duration.ZERO);
  }
}
