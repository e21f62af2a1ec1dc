package dev.fleetq.model.unit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.time.Instant;
import java.util.List;

/**
 * A unit moved to a new state: one event for every transition, written by whoever made it.
 *
 * @param jobId the unit's job
 * @param unitId the unit
 * @param attempt the attempt the event belongs to, from 1
 * @param status the state the unit moved to
 * @param worker the worker involved, or null when none is (publishing, cancelling)
 * @param reason why the attempt ended, or null when it did not
 * @param detail what a person needs to know, such as the agent's last lines or the broken tests, at
 *     most {@value Limits#MAX_DETAIL_CHARS} characters; may be null
 * @param at when it happened
 * @param tests the tests the event is about, such as those a gate refusal names as broken or still
 *     failing; empty when none
 */
public record UnitEvent(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("unitId") UnitId unitId,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("status") UnitStatus status,
    @JsonProperty("worker") WorkerId worker,
    @JsonProperty("reason") Reason reason,
    @JsonProperty("detail") String detail,
    @JsonProperty("at") Instant at,
    @JsonProperty("tests") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tests)
    implements Event {

  /** The event's {@code type} on the wire. */
  public static final String TYPE = "unit";

  /** Checks every field. */
  public UnitEvent {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("unitId", unitId);
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("status", status);
    Check.optionalText("detail", detail, Limits.MAX_DETAIL_CHARS);
    Check.requireNonNull("at", at);
    tests = Check.texts("tests", tests);
  }

  /** An event about no tests in particular. */
  public UnitEvent(
      JobId jobId,
      UnitId unitId,
      int attempt,
      UnitStatus status,
      WorkerId worker,
      Reason reason,
      String detail,
      Instant at) {
    this(jobId, unitId, attempt, status, worker, reason, detail, at, List.of());
  }

  /** The unit's key. */
  public UnitKey key() {
    return new UnitKey(jobId, unitId);
  }
}
