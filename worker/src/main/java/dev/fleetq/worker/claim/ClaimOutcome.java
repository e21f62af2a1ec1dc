package dev.fleetq.worker.claim;

import dev.fleetq.model.state.GateBaseline;
import java.util.Objects;

/**
 * How claiming a unit ended: the worker holds its lease, or it skipped the unit because someone
 * else holds it or it no longer needs work. Losing such a race is an expected outcome, so it is a
 * value, never an exception.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ClaimOutcome {

  /**
   * The worker holds the unit's lease.
   *
   * @param lease the lease, to release when the attempt ends
   * @param main the repository's newest gate baseline (main's commit and its passing tests), read
   *     with the claim, or null when the gate has measured none yet
   */
  record Claimed(Lease lease, GateBaseline main) implements ClaimOutcome {
    public Claimed {
      Objects.requireNonNull(lease, "lease");
    }
  }

  /**
   * The worker will not work on the unit.
   *
   * @param reason why not
   * @param detail what a person needs to know, such as the newer attempt's number
   */
  record Skipped(SkipReason reason, String detail) implements ClaimOutcome {
    public Skipped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a unit was skipped. */
  enum SkipReason {
    /** Another worker (or another slot of this one) holds the unit's lease for this attempt. */
    LOCK_HELD,
    /**
     * The previous attempt's worker still holds the unit's lease while it ends that attempt; the
     * delivery is handed back to Kafka to come again.
     */
    HANDING_OVER,
    /** The coordinator has published a newer attempt; this delivery is stale. */
    NEWER_ATTEMPT,
    /** The gate has landed the unit. */
    LANDED,
    /** The unit's projected state is terminal: cancelled, landed or failed. */
    FINISHED;

    /** Whether the record should be delivered again rather than dropped. */
    public boolean deliverAgain() {
      return this == HANDING_OVER;
    }
  }
}
