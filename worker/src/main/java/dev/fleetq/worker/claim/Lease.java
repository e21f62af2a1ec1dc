package dev.fleetq.worker.claim;

import dev.fleetq.model.id.UnitKey;
import java.time.Duration;
import java.util.Objects;
import org.redisson.api.RLock;

/**
 * A worker's hold on one unit: the unit's Redisson lock, taken with the watchdog under a synthetic
 * thread id so that whichever thread ends the attempt can release it. The watchdog renews it while
 * this worker's Redisson client lives; if the worker dies, the lock frees within the watchdog
 * timeout.
 *
 * <p>Thread-safe: Redisson's lock is, and the lease holds no other state.
 */
public final class Lease {
  private final UnitKey unit;
  private final RLock lock;
  private final long owner;
  private final Duration timeout;

  Lease(UnitKey unit, RLock lock, long owner, Duration timeout) {
    this.unit = Objects.requireNonNull(unit, "unit");
    this.lock = Objects.requireNonNull(lock, "lock");
    this.owner = owner;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The unit it holds. */
  public UnitKey unit() {
    return unit;
  }

  /**
   * Releases the lock and stops its watchdog.
   *
   * @throws ClaimException if Redis does not answer in time, or the lock had already expired
   */
  public void release() {
    Redis.call(() -> lock.unlockAsync(owner), timeout, "releasing the lease of " + unit);
  }

  @Override
  public String toString() {
    return "lease of " + unit + " as " + owner;
  }
}
