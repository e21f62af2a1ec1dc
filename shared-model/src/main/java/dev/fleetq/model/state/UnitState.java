package dev.fleetq.model.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Check;
import java.time.Instant;
import java.util.List;

/**
 * A unit as the coordinator's projector last saw it in the events topic: what {@code GET
 * /v1/jobs/{id}/units} shows, and what a worker checks before it works on a unit.
 *
 * @param jobId the unit's job
 * @param unitId the unit
 * @param title the unit's one-line summary
 * @param status its current state
 * @param attempt the attempt that state belongs to
 * @param worker the worker of the current attempt, or null
 * @param failures why each earlier attempt ended, oldest first
 * @param landedCommit the commit on main that landed the unit, or null
 * @param updatedAt when the last event was applied
 */
public record UnitState(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("unitId") UnitId unitId,
    @JsonProperty("title") String title,
    @JsonProperty("status") UnitStatus status,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("worker") WorkerId worker,
    @JsonProperty("failures") List<AttemptFailure> failures,
    @JsonProperty("landedCommit") String landedCommit,
    @JsonProperty("updatedAt") Instant updatedAt) {

  /** Checks every field and copies the failures. */
  public UnitState {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("unitId", unitId);
    Check.requireNonNull("status", status);
    Check.requireAtLeast("attempt", attempt, 1);
    failures = failures == null ? List.of() : List.copyOf(failures);
    Check.requireNonNull("updatedAt", updatedAt);
  }

  /** The unit's key. */
  public UnitKey key() {
    return new UnitKey(jobId, unitId);
  }
}
