package dev.fleetq.coordinator.reap;

import org.redisson.api.RLock;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership of a singleton role: a Redisson lock on {@code leader:{role}} taken without waiting
 * and without a lease time, so that Redisson's watchdog renews it while this process lives and it
 * frees itself one watchdog timeout after the process dies. Checking it each round also notices a
 * lease lost to a Redis outage, after which another instance may lead.
 *
 * <p>Not thread-safe: a Redisson lock belongs to the thread that took it, so every call must come
 * from the same thread (the reaper's).
 */
final class LeaderLease {
  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  private final RLock lock;
  private boolean held;

  LeaderLease(RLock lock) {
    this.lock = lock;
  }

  /**
   * Takes the lease if it is free, keeps it if this thread has it; true while this thread leads.
   */
  boolean hold() {
    try {
      boolean nowHeld = lock.isHeldByCurrentThread() || lock.tryLock();
      if (nowHeld != held) {
        log.info(nowHeld ? "Took the lease {}" : "Lost the lease {}", lock.getName());
      }
      held = nowHeld;
    } catch (RedisException e) {
      log.warn("Cannot check the lease {}: {}", lock.getName(), e.toString());
      held = false;
    }
    return held;
  }

  /** Gives the lease up if this thread holds it. */
  void release() {
    try {
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
        log.info("Released the lease {}", lock.getName());
      }
    } catch (RedisException e) {
      log.warn(
          "Cannot release the lease {}; it expires by itself: {}", lock.getName(), e.toString());
    }
    held = false;
  }
}
