package dev.fleetq.model.suite;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an executor found when it ran a {@link SuiteRequest}.
 *
 * @param runId the request's run id
 * @param attempt the request's attempt
 * @param executor the executor that ran it
 * @param outcome how the run ended
 * @param results one result per test, in report order; empty unless {@link Outcome#REPORTED}
 * @param reportFiles the report files read, relative to the checkout
 * @param problem what went wrong, for people; null when {@link Outcome#REPORTED}
 * @param logTail the last lines the command printed
 * @param took how long the command ran
 */
public record SuiteResult(
    @JsonProperty("runId") String runId,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("executor") WorkerId executor,
    @JsonProperty("outcome") Outcome outcome,
    @JsonProperty("results") List<TestResult> results,
    @JsonProperty("reportFiles") List<String> reportFiles,
    @JsonProperty("problem") String problem,
    @JsonProperty("logTail") String logTail,
    @JsonProperty("took") Duration took) {

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final int MAX_TEXT_CHARS = 8000;

  /** How a run ended. */
  public enum Outcome {
    /** The command ran and left reports, which {@link #results()} holds. */
    REPORTED,
    /** The command ran past its timeout and was killed. */
    TIMED_OUT,
    /** The command ended but left no report that could be read. */
    NO_REPORT,
    /** The commit could not be fetched or checked out, so the command never ran. */
    CHECKOUT_FAILED
  }

  /** Checks every field, and that only a reported run has results and has no problem. */
  public SuiteResult {
    requireRunId(runId);
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("executor", executor);
    Check.requireNonNull("outcome", outcome);
    results = results == null ? List.of() : List.copyOf(results);
    reportFiles = Check.texts("reportFiles", reportFiles);
    if (outcome == Outcome.REPORTED) {
      if (problem != null) {
        throw new InvalidMessageException("problem", "must be absent when the outcome is REPORTED");
      }
    } else {
      Check.requireText("problem", problem, MAX_TEXT_CHARS);
      if (!results.isEmpty()) {
        throw new InvalidMessageException(
            "results", "must be empty unless the outcome is REPORTED");
      }
    }
    logTail = logTail == null ? "" : logTail;
    Check.requireNonNull("took", took);
    if (took.isNegative()) {
      throw new InvalidMessageException("took", "must not be negative, got " + took);
    }
  }

  /** The results as a report, with the report files' names as they were sent. */
  public TestReport report() {
    return new TestReport(results, reportFiles.stream().map(Path::of).toList());
  }

  static void requireRunId(String runId) {
    Check.requireText("runId", runId, SuiteRequest.MAX_RUN_ID_CHARS);
    if (!RUN_ID.matcher(runId).matches()) {
      throw new InvalidMessageException(
          "runId", "must be letters, digits, '.', '_' or '-', got " + Check.quote(runId));
    }
  }
}
