package dev.fleetq.model.gate;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The gate's decision on one {@link GateRequest}: landed on the main branch, superseded (main
 * already does its work), or refused with a reason and the tests that broke.
 *
 * @param jobId the unit's job
 * @param unitId the unit
 * @param attempt the attempt the decision is about
 * @param repo the repository
 * @param outcome landed, superseded or refused
 * @param reason why it was refused; null otherwise
 * @param brokenTests tests that passed on the baseline and do not with the candidate
 * @param fixedTests tests that failed on the baseline and pass with the candidate
 * @param flakyTests tests that failed once and passed when run again, so they did not count
 * @param landedCommit the main-branch commit that contains the unit or, when superseded, that
 *     already does its work; null when refused
 * @param suiteRuns how many test runs the decision took, including re-runs and bisection
 * @param duration how long the decision took
 * @param decidedAt when the gate decided
 */
public record GateVerdict(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("unitId") UnitId unitId,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("repo") RepoId repo,
    @JsonProperty("outcome") Outcome outcome,
    @JsonProperty("reason") Reason reason,
    @JsonProperty("brokenTests") List<String> brokenTests,
    @JsonProperty("fixedTests") List<String> fixedTests,
    @JsonProperty("flakyTests") List<String> flakyTests,
    @JsonProperty("landedCommit") String landedCommit,
    @JsonProperty("suiteRuns") int suiteRuns,
    @JsonProperty("duration") Duration duration,
    @JsonProperty("decidedAt") Instant decidedAt) {

  /** What the gate did with the candidate. */
  public enum Outcome {
    /** The candidate is on the main branch. */
    LANDED,
    /**
     * The candidate's merge onto main changes no file and its target tests pass there: main already
     * does its work, so nothing is merged.
     */
    SUPERSEDED,
    /** The candidate was not landed; {@link GateVerdict#reason()} says why. */
    REFUSED
  }

  /**
   * Checks every field, and that a landed or superseded verdict has a commit and a refused one a
   * reason.
   */
  public GateVerdict {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("unitId", unitId);
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("repo", repo);
    Check.requireNonNull("outcome", outcome);
    if (outcome != Outcome.REFUSED) {
      requireAbsent("reason", reason);
      Check.requireCommit("landedCommit", landedCommit);
    } else {
      Check.requireNonNull("reason", reason);
      requireAbsent("landedCommit", landedCommit);
    }
    brokenTests = Check.texts("brokenTests", brokenTests);
    fixedTests = Check.texts("fixedTests", fixedTests);
    flakyTests = Check.texts("flakyTests", flakyTests);
    Check.requireAtLeast("suiteRuns", suiteRuns, 0);
    Check.requireNonNull("duration", duration);
    if (duration.isNegative()) {
      throw new InvalidMessageException("duration", "must not be negative, got " + duration);
    }
    Check.requireNonNull("decidedAt", decidedAt);
  }

  /** The unit's key. */
  public UnitKey key() {
    return new UnitKey(jobId, unitId);
  }

  private static void requireAbsent(String field, Object value) {
    if (value != null) {
      throw new InvalidMessageException(field, "must be absent unless the outcome is REFUSED");
    }
  }
}
