package dev.fleetq.exec.report;

import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.suite.TestResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the JUnit XML reports that a test command left in a working tree. The planner uses them to
 * make one work unit per failing test, and the gate to compare each test against the baseline, so
 * every failure to read them is a {@link ReportException} whose message can be shown to the
 * engineer as it is.
 *
 * <p>The JUnit XML "format" is a family of dialects; this reads Maven Surefire, {@code pytest
 * --junitxml}, jest-junit and go-junit-report, which covers what fleetq's users run.
 *
 * <p><b>When a test id appears more than once</b> (a runner that reruns failed tests and writes
 * every attempt, or two report files naming the same test) the <em>last</em> occurrence wins: files
 * are read in path order and each file in document order, and reruns are written after the run they
 * repeat, so the last word is how the test finally ended. This mirrors Surefire, which counts a
 * test that fails and then passes on a rerun as passed (flaky). The cost is that two different
 * tests sharing an id collapse into one; the gate's own reruns of regressed tests, not this reader,
 * are what separate flaky tests from broken ones. The result keeps the position of the first
 * occurrence.
 *
 * <p>Stateless and thread-safe.
 */
public final class JUnitReports {
  private static final Logger log = LoggerFactory.getLogger(JUnitReports.class);

  private JUnitReports() {}

  /**
   * Reads every report file under {@code root} that matches any of the globs.
   *
   * @param root the directory the test command ran in
   * @param globs paths relative to {@code root} in glob syntax, such as {@code **}{@code
   *     /target/surefire-reports/TEST-*.xml}; {@code **}{@code /} also matches no directory, and
   *     {@code .git} folders are never searched
   * @throws ReportException when no file matches, or a matching file cannot be read or is not a
   *     well-formed JUnit XML report
   * @throws IllegalArgumentException when {@code globs} is empty or a glob is blank or absolute
   */
  public static TestReport read(Path root, List<String> globs) {
    List<Path> files = ReportFiles.find(root, globs);
    if (files.isEmpty()) {
      throw new ReportException("no test reports matching " + globs + " under " + root);
    }
    Map<String, TestResult> byId = new LinkedHashMap<>();
    for (Path file : files) {
      for (TestResult result : ReportParser.parse(file)) {
        byId.put(result.id(), result);
      }
    }
    TestReport report = new TestReport(List.copyOf(byId.values()), files);
    log.debug(
        "Read {} test results ({} failing) from {} report files under {}",
        report.results().size(),
        report.failing().size(),
        files.size(),
        root);
    return report;
  }
}
