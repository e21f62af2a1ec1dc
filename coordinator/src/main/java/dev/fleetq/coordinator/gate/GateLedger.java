package dev.fleetq.coordinator.gate;

import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.RedisKeys;
import java.util.Optional;
import java.util.OptionalLong;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;
import org.redisson.client.codec.StringCodec;

/**
 * The gate's fences in Redis: a unit's current attempt ({@code attempt:{unitKey}}, written only by
 * the publisher, as Redisson's atomic long does: a decimal string) and its landing mark ({@code
 * landed:{unitKey}}, the landed commit in hex, written here with {@code SETNX}), and the count of
 * each test's flakes ({@code flakes:{repoId}}, a hash of test id to count). Both are read and
 * written as plain strings ({@link StringCodec}), like every value the coordinator keeps. Each call
 * is bounded by the Redisson client's own command timeout and retries.
 *
 * <p>Thread-safe: each call is one Redis command.
 */
final class GateLedger {
  private final RedissonClient redis;
  private final RedisKeys keys;

  GateLedger(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** The unit's current attempt, or empty when the publisher has recorded none. */
  OptionalLong currentAttempt(UnitKey unit) {
    String value = bucket(keys.attempt(unit)).get();
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          keys.attempt(unit) + " holds '" + value + "', not an attempt number", e);
    }
  }

  /** The commit the unit landed as, or empty when it has not landed. */
  Optional<String> landed(UnitKey unit) {
    return Optional.ofNullable(bucket(keys.landed(unit)).get());
  }

  /** Marks the unit landed as {@code commit}; false when it was already marked. */
  boolean markLanded(UnitKey unit, String commit) {
    return bucket(keys.landed(unit)).setIfAbsent(commit);
  }

  /** Removes the mark if it still says {@code commit}: that landing did not reach main. */
  void unmarkLanded(UnitKey unit, String commit) {
    bucket(keys.landed(unit)).compareAndSet(commit, null);
  }

  /** Counts one more flake of {@code test} in the repository; returns the count so far. */
  long recordFlake(RepoId repo, String test) {
    return redis.<String, Long>getMap(keys.flakes(repo), LongCodec.INSTANCE).addAndGet(test, 1L);
  }

  private RBucket<String> bucket(String key) {
    return redis.getBucket(key, StringCodec.INSTANCE);
  }
}
