package dev.fleetq.coordinator.plan;

import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Offers the planner's measurement of a repository's main branch to the gate as its baseline,
 * {@code gate:{repoId}}. The gate replaces the baseline each time it lands, so the planner writes
 * only over an older one: a baseline measured after ours (by {@code measuredAt}) stays. The write
 * is a compare-and-set, so a gate that lands at the same moment is never overwritten.
 *
 * <p>Thread-safe.
 */
final class Baselines {
  private static final int MAX_TRIES = 5;

  private final RedissonClient redis;
  private final RedisKeys keys;

  Baselines(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Stores the baseline unless a newer one is there.
   *
   * @return whether it was stored
   */
  boolean offer(GateBaseline baseline) {
    RBucket<String> bucket = redis.getBucket(keys.gate(baseline.repo()), StringCodec.INSTANCE);
    String json = Json.encodeToString(baseline);
    for (int i = 0; i < MAX_TRIES; i++) {
      String current = bucket.get();
      if (current == null) {
        if (bucket.setIfAbsent(json)) {
          return true;
        }
      } else if (isNewer(current, baseline)) {
        return false;
      } else if (bucket.compareAndSet(current, json)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNewer(String current, GateBaseline ours) {
    try {
      return Json.decode(current, GateBaseline.class).measuredAt().isAfter(ours.measuredAt());
    } catch (InvalidMessageException e) {
      // An unreadable baseline helps no one; ours replaces it.
      return false;
    }
  }
}
