package dev.fleetq.coordinator.gate;

import dev.fleetq.exec.report.JUnitReports;
import dev.fleetq.exec.report.ReportException;
import dev.fleetq.exec.sandbox.Sandbox;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.suite.TestReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a job's test command in a worktree through the {@link Sandbox}, with the gate's timeout, and
 * reads the JUnit XML reports it leaves. The run's log and scratch directory live under {@code
 * workDir/runs/{name}} and are deleted once the outcome is read; the last lines of the log are kept
 * in the outcome for people.
 *
 * <p>Thread-safe and stateless; the call blocks its thread for as long as the suite runs.
 */
final class SuiteRunner {
  private static final int LOG_TAIL_LINES = 20;

  private final Sandbox sandbox;
  private final Path runsDir;
  private final GateMetrics metrics;

  SuiteRunner(Sandbox sandbox, Path workDir, GateMetrics metrics) {
    this.sandbox = sandbox;
    this.runsDir = workDir.resolve("runs");
    this.metrics = metrics;
  }

  /** Runs the suite once in {@code worktree}. */
  Outcome run(Path worktree, GateSpec gate, String name) {
    Path runDir = runsDir.resolve(name);
    metrics.suiteRan();
    try {
      deleteTree(runDir);
      SandboxResult result =
          sandbox.run(
              new SandboxRun(
                  gate.testCommand(),
                  worktree,
                  Map.of(),
                  List.of(),
                  gate.timeout(),
                  runDir.resolve("suite.log"),
                  runDir.resolve("scratch")));
      String logTail = tail(result.logFile());
      if (result.timedOut()) {
        return new Outcome(
            true, null, "the test command timed out after " + gate.timeout(), logTail);
      }
      try {
        return new Outcome(false, JUnitReports.read(worktree, gate.reportGlobs()), null, logTail);
      } catch (ReportException e) {
        return new Outcome(false, null, e.getMessage(), logTail);
      }
    } finally {
      deleteTree(runDir);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(the suite's log could not be read: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }

  /**
   * How one run of the suite ended.
   *
   * @param timedOut whether the command ran past its timeout and was killed
   * @param report the tests' results, or null when no report could be read
   * @param problem why there is no report, or null when there is one
   * @param logTail the last lines the command printed
   */
  record Outcome(boolean timedOut, TestReport report, String problem, String logTail) {}
}
