package dev.fleetq.model.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.wire.Check;
import java.time.Instant;

/**
 * A gate request that the gate has read and not yet decided, as the gate's queue in Redis shows it:
 * which unit and attempt wait, with which candidate, since when.
 *
 * @param jobId the unit's job
 * @param unitId the unit
 * @param attempt the attempt that asks to land
 * @param worker the worker that pushed the candidate
 * @param candidateCommit the commit to land
 * @param receivedAt when the gate read the request
 */
public record QueuedRequest(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("unitId") UnitId unitId,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("worker") WorkerId worker,
    @JsonProperty("candidateCommit") String candidateCommit,
    @JsonProperty("receivedAt") Instant receivedAt) {

  /** Checks every field. */
  public QueuedRequest {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("unitId", unitId);
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("worker", worker);
    Check.requireCommit("candidateCommit", candidateCommit);
    Check.requireNonNull("receivedAt", receivedAt);
  }

  /** The unit's key. */
  public UnitKey key() {
    return new UnitKey(jobId, unitId);
  }
}
