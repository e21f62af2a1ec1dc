package dev.fleetq.worker.suite;

import dev.fleetq.exec.files.DirectoryTrees;
import dev.fleetq.exec.report.JUnitReports;
import dev.fleetq.exec.report.ReportException;
import dev.fleetq.exec.report.ReportFiles;
import dev.fleetq.exec.sandbox.Sandbox;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.suite.SuiteRequest;
import dev.fleetq.model.suite.SuiteResult;
import dev.fleetq.model.suite.SuiteResult.Outcome;
import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.wire.Check;
import dev.fleetq.worker.run.LogTail;
import dev.fleetq.worker.sandbox.AgentSandboxes;
import dev.fleetq.worker.sandbox.SandboxUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one suite request and says what it found: checks the commit out into the run's scratch
 * directory ({@code workDir/suites/<runId>-a<attempt>}), runs the test command there in the
 * sandbox, and reads the JUnit XML reports it left. Every way the run can end is a {@link
 * SuiteResult}; only an interrupt (the worker is stopping) ends it with an exception.
 *
 * <p>A request names the job's {@code agent.image}, or none; it runs where that job's agents would
 * run on this worker ({@link AgentSandboxes#forSuite}), and ends {@code NO_REPORT} naming the image
 * when an image applies and the worker has no Docker engine.
 *
 * <p>Thread-safe: each run has its own directory, and the sandboxes are thread-safe.
 */
final class SuiteRunner {
  private static final Logger log = LoggerFactory.getLogger(SuiteRunner.class);

  /** How many lines of the command's output a result carries. */
  static final int LOG_TAIL_LINES = 20;

  /** The sandbox's own lines in the log, left out of the tail. */
  static final String SANDBOX_LINE_PREFIX = "# fleetq:";

  /** The exit status of a shell whose command was not found. */
  private static final int NOT_FOUND = 127;

  /** Results carry at most this much of a problem, well within the wire's limit. */
  private static final int MAX_PROBLEM_CHARS = 4000;

  private final Path root;
  private final SuiteCheckout checkout;
  private final AgentSandboxes sandboxes;
  private final WorkerId executor;

  /**
   * @param root where the runs' scratch directories live ({@code workDir/suites})
   * @param sandboxes where commands run: in the request's image, the worker's default image, or
   *     locally
   * @param executor the worker whose results these are
   */
  SuiteRunner(Path root, SuiteCheckout checkout, AgentSandboxes sandboxes, WorkerId executor) {
    this.root = root.toAbsolutePath();
    this.checkout = Objects.requireNonNull(checkout, "checkout");
    this.sandboxes = Objects.requireNonNull(sandboxes, "sandboxes");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Runs the request in a fresh scratch directory, which {@link #remove} deletes.
   *
   * @throws java.util.concurrent.CancellationException if the thread is interrupted while the
   *     command runs; the sandbox has killed it
   */
  SuiteResult run(SuiteRequest request) {
    Path scratch = scratchDir(request);
    Path tree = scratch.resolve("checkout");
    Path logFile = scratch.resolve("suite.log");
    recreate(scratch);
    createDirectory(tree);
    try {
      checkout.checkout(request, tree);
    } catch (SuiteCheckout.Failed e) {
      return result(request, Outcome.CHECKOUT_FAILED, e.getMessage(), "", Duration.ZERO);
    }
    Sandbox sandbox;
    try {
      sandbox = sandboxes.forSuite(request.image());
    } catch (SandboxUnavailableException e) {
      return result(
          request,
          Outcome.NO_REPORT,
          "executor " + executor + ": " + e.getMessage(),
          "",
          Duration.ZERO);
    }
    SandboxResult ran;
    try {
      ran = sandbox.run(command(request, tree, logFile, scratch));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      return result(
          request,
          Outcome.NO_REPORT,
          "could not start " + request.testCommand() + ": " + e.getMessage(),
          tail(logFile),
          Duration.ZERO);
    }
    return ended(request, tree, ran);
  }

  /** Deletes the request's scratch directory; a failure is logged, not thrown. */
  void remove(SuiteRequest request) {
    try {
      DirectoryTrees.delete(scratchDir(request));
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not remove the scratch directory of suite run {}", request.runId(), e);
    }
  }

  private SuiteResult ended(SuiteRequest request, Path tree, SandboxResult ran) {
    String logTail = tail(ran.logFile());
    if (ran.timedOut()) {
      return result(
          request,
          Outcome.TIMED_OUT,
          request.testCommand()
              + " ran past its timeout of "
              + request.timeout()
              + " and was killed",
          logTail,
          ran.elapsed());
    }
    try {
      TestReport report = JUnitReports.read(tree, request.reportGlobs());
      List<String> files = report.files().stream().map(file -> relative(tree, file)).toList();
      return new SuiteResult(
          request.runId(),
          request.attempt(),
          executor,
          Outcome.REPORTED,
          report.results(),
          files,
          null,
          logTail,
          ran.elapsed());
    } catch (ReportException e) {
      String problem =
          ReportFiles.find(tree, request.reportGlobs()).isEmpty()
              ? noReports(request, ran.exitCode())
              : e.getMessage();
      return result(request, Outcome.NO_REPORT, problem, logTail, ran.elapsed());
    }
  }

  /** Why a command left no report at all: it was not found, or it ran and wrote none. */
  private static String noReports(SuiteRequest request, int exitCode) {
    String command = "the test command " + Check.quote(request.testCommand());
    String ended =
        exitCode == NOT_FOUND ? " was not found (sh exited with 127)" : " exited with " + exitCode;
    return command + ended + " and left no test reports matching " + request.reportGlobs();
  }

  private static SandboxRun command(SuiteRequest request, Path tree, Path logFile, Path scratch) {
    return new SandboxRun(
        request.testCommand(),
        tree,
        Map.of("FLEETQ_JOB_ID", request.jobId().value(), "FLEETQ_SUITE_RUN", request.runId()),
        List.of(),
        request.timeout(),
        logFile,
        scratch.resolve("sandbox"));
  }

  private SuiteResult result(
      SuiteRequest request, Outcome outcome, String problem, String logTail, Duration took) {
    String shortProblem =
        problem.length() > MAX_PROBLEM_CHARS
            ? problem.substring(0, MAX_PROBLEM_CHARS) + "..."
            : problem;
    return new SuiteResult(
        request.runId(),
        request.attempt(),
        executor,
        outcome,
        List.of(),
        List.of(),
        shortProblem,
        logTail,
        took);
  }

  private Path scratchDir(SuiteRequest request) {
    return root.resolve(request.runId() + "-a" + request.attempt());
  }

  private static String tail(Path logFile) {
    if (!Files.exists(logFile)) {
      return "";
    }
    return LogTail.of(logFile, LOG_TAIL_LINES, SANDBOX_LINE_PREFIX);
  }

  private static String relative(Path tree, Path file) {
    return (file.isAbsolute() ? tree.relativize(file) : file).toString();
  }

  /** Starts from an empty directory: one left by a run of this worker that died is removed. */
  private static void recreate(Path dir) {
    try {
      DirectoryTrees.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not clear " + dir, e);
    }
    createDirectory(dir);
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dir, e);
    }
  }
}
