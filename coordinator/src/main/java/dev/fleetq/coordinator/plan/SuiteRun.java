package dev.fleetq.coordinator.plan;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.git.GitResult;
import dev.fleetq.exec.report.JUnitReports;
import dev.fleetq.exec.report.ReportException;
import dev.fleetq.exec.report.ReportFiles;
import dev.fleetq.exec.sandbox.Sandbox;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.suite.TestReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Measures which tests pass on a repository's branch: a shallow clone into a scratch directory, one
 * run of the test command in the sandbox, and the JUnit XML reports it leaves. Each way this can go
 * wrong is a {@link PlanningException} whose message tells the engineer what to fix.
 *
 * <p>Thread-safe: each call works in the scratch directory it is given.
 */
final class SuiteRun {
  /** The exit status of {@code sh} when it cannot find the command. */
  static final int COMMAND_NOT_FOUND = 127;

  /** How many of the test command's last log lines a failure detail quotes. */
  private static final int LOG_TAIL_LINES = 15;

  private static final int LOG_TAIL_CHARS = 2000;

  private final Git git;
  private final Sandbox sandbox;
  private final Clock clock;

  SuiteRun(Git git, Sandbox sandbox, Clock clock) {
    this.git = git;
    this.sandbox = sandbox;
    this.clock = clock;
  }

  /**
   * What one run of the suite found.
   *
   * @param commit the commit that was tested
   * @param report the tests' results
   * @param measuredAt when the clone was made
   */
  record Measurement(String commit, TestReport report, Instant measuredAt) {}

  /**
   * Clones {@code repo} into {@code scratch/repo} and runs the plan's test command there.
   *
   * @param scratch an empty directory owned by the caller, who also removes it
   */
  Measurement measure(JobId job, RepoSpec repo, FailingTestsPlan plan, Path scratch) {
    Instant measuredAt = clock.instant();
    Path checkout = clone(repo, scratch);
    String commit = git.run(checkout, "rev-parse", "HEAD").strip();
    Path logFile = scratch.resolve("test-command.log");
    SandboxResult result =
        sandbox.run(
            new SandboxRun(
                plan.testCommand(),
                checkout,
                Map.of("FLEETQ_JOB_ID", job.value()),
                List.of(),
                plan.timeout(),
                logFile,
                scratch.resolve("sandbox")));
    if (result.timedOut()) {
      throw new PlanningException(
          "the test command '"
              + plan.testCommand()
              + "' timed out after "
              + plan.timeout()
              + " (the plan's timeout) and was killed"
              + tail(logFile));
    }
    return new Measurement(commit, read(checkout, plan, result, logFile), measuredAt);
  }

  private Path clone(RepoSpec repo, Path scratch) {
    GitResult cloned =
        git.tryRun(
            scratch,
            "clone",
            "--quiet",
            "--depth",
            "1",
            "--single-branch",
            "--branch",
            repo.branch(),
            "--",
            repo.url(),
            "repo");
    if (!cloned.succeeded()) {
      throw new PlanningException(
          "cannot clone "
              + repo.url()
              + " (branch "
              + repo.branch()
              + "): git exited with "
              + cloned.exitCode()
              + ": "
              + cloned.stderr().strip());
    }
    return scratch.resolve("repo");
  }

  private static TestReport read(
      Path checkout, FailingTestsPlan plan, SandboxResult result, Path logFile) {
    try {
      return JUnitReports.read(checkout, plan.reportGlobs());
    } catch (ReportException e) {
      if (ReportFiles.find(checkout, plan.reportGlobs()).isEmpty()) {
        throw new PlanningException(noReports(plan, result) + tail(logFile), e);
      }
      throw new PlanningException(e.getMessage(), e);
    }
  }

  private static String noReports(FailingTestsPlan plan, SandboxResult result) {
    if (result.exitCode() == COMMAND_NOT_FOUND) {
      return "the test command '"
          + plan.testCommand()
          + "' was not found (sh exited with 127) and left no test reports matching "
          + plan.reportGlobs();
    }
    return "the test command '"
        + plan.testCommand()
        + "' exited with "
        + result.exitCode()
        + " and left no test reports matching "
        + plan.reportGlobs();
  }

  /** The last lines the command printed, as the end of a failure detail. */
  private static String tail(Path logFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
    List<String> output = lines.stream().filter(line -> !line.startsWith("# fleetq:")).toList();
    if (output.isEmpty()) {
      return "";
    }
    String tail =
        String.join(
            "\n", output.subList(Math.max(0, output.size() - LOG_TAIL_LINES), output.size()));
    if (tail.length() > LOG_TAIL_CHARS) {
      tail = "..." + tail.substring(tail.length() - LOG_TAIL_CHARS);
    }
    return "; its last output:\n" + tail;
  }
}
