package dev.fleetq.model.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.time.Instant;
import java.util.Map;

/**
 * A job as the coordinator's projector last saw it: what {@code GET /v1/jobs/{id}} and {@code
 * fleetq status} show.
 *
 * @param jobId the job
 * @param status its current state
 * @param unitCount how many units it has, 0 until it is planned
 * @param counts how many of its units are in each state; states with none are left out
 * @param targetTests how many target tests its units name together (for a failing-tests job, the
 *     tests that failed when it was planned)
 * @param fixedTests how many of those its landed units fixed: the gate lands a unit only when all
 *     of its target tests pass, and keeps them passing after
 * @param detail what a person needs to know, such as why planning failed; may be null
 * @param submittedAt when the coordinator accepted it
 * @param updatedAt when the last event was applied
 */
public record JobState(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("status") JobStatus status,
    @JsonProperty("unitCount") int unitCount,
    @JsonProperty("counts") Map<UnitStatus, Integer> counts,
    @JsonProperty("targetTests") int targetTests,
    @JsonProperty("fixedTests") int fixedTests,
    @JsonProperty("detail") String detail,
    @JsonProperty("submittedAt") Instant submittedAt,
    @JsonProperty("updatedAt") Instant updatedAt) {

  /** Checks every field and copies the counts. */
  public JobState {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("status", status);
    Check.requireRange("unitCount", unitCount, 0, Limits.MAX_UNITS_PER_JOB);
    counts = counts == null ? Map.of() : Map.copyOf(counts);
    Check.requireAtLeast("targetTests", targetTests, 0);
    Check.requireAtLeast("fixedTests", fixedTests, 0);
    Check.optionalText("detail", detail, Limits.MAX_DETAIL_CHARS);
    Check.requireNonNull("submittedAt", submittedAt);
    Check.requireNonNull("updatedAt", updatedAt);
  }

  /**
   * Reads a state from JSON, where an absent {@code targetTests} or {@code fixedTests} (a state an
   * older coordinator stored) is 0.
   */
  @JsonCreator
  static JobState fromJson(
      @JsonProperty("jobId") JobId jobId,
      @JsonProperty("status") JobStatus status,
      @JsonProperty("unitCount") int unitCount,
      @JsonProperty("counts") Map<UnitStatus, Integer> counts,
      @JsonProperty("targetTests") Integer targetTests,
      @JsonProperty("fixedTests") Integer fixedTests,
      @JsonProperty("detail") String detail,
      @JsonProperty("submittedAt") Instant submittedAt,
      @JsonProperty("updatedAt") Instant updatedAt) {
    return new JobState(
        jobId,
        status,
        unitCount,
        counts,
        targetTests == null ? 0 : targetTests,
        fixedTests == null ? 0 : fixedTests,
        detail,
        submittedAt,
        updatedAt);
  }

  /** How many units are in {@code status}. */
  public int count(UnitStatus status) {
    return counts.getOrDefault(status, 0);
  }
}
