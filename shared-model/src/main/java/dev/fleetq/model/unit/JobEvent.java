package dev.fleetq.model.unit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.time.Instant;

/**
 * A job moved to a new state, written by the coordinator.
 *
 * @param jobId the job
 * @param status the state it moved to
 * @param unitCount how many units the job has, 0 until it is planned
 * @param targetTests how many target tests its units name together (for a failing-tests job, the
 *     failing tests it is to fix), 0 until it is planned
 * @param detail what a person needs to know, such as why planning failed; may be null
 * @param at when it happened
 */
public record JobEvent(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("status") JobStatus status,
    @JsonProperty("unitCount") int unitCount,
    @JsonProperty("targetTests") int targetTests,
    @JsonProperty("detail") String detail,
    @JsonProperty("at") Instant at)
    implements Event {

  /** The event's {@code type} on the wire. */
  public static final String TYPE = "job";

  /** Checks every field. */
  public JobEvent {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("status", status);
    Check.requireRange("unitCount", unitCount, 0, Limits.MAX_UNITS_PER_JOB);
    Check.requireAtLeast("targetTests", targetTests, 0);
    Check.optionalText("detail", detail, Limits.MAX_DETAIL_CHARS);
    Check.requireNonNull("at", at);
  }

  /**
   * Reads an event from JSON, where an absent {@code targetTests} (an older coordinator's) is 0.
   */
  @JsonCreator
  static JobEvent fromJson(
      @JsonProperty("jobId") JobId jobId,
      @JsonProperty("status") JobStatus status,
      @JsonProperty("unitCount") int unitCount,
      @JsonProperty("targetTests") Integer targetTests,
      @JsonProperty("detail") String detail,
      @JsonProperty("at") Instant at) {
    return new JobEvent(
        jobId, status, unitCount, targetTests == null ? 0 : targetTests, detail, at);
  }

  /** An event that counts no target tests: any but the one that says how the job was planned. */
  public JobEvent(JobId jobId, JobStatus status, int unitCount, String detail, Instant at) {
    this(jobId, status, unitCount, 0, detail, at);
  }
}
