package dev.fleetq.coordinator.gate;

import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.api.RBucket;
import org.redisson.api.RScript;
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
 * <p>A landing mark is first a lease: it is set with a short time to live ({@code landingLease})
 * before the push of main, renewed ({@link #renewLandings}) while this gate lands and reports it,
 * and made permanent ({@link #confirmLanded}) once the landing's {@code LANDED} event is
 * acknowledged. So a mark that still expires belongs to a landing in progress, by a live gate that
 * keeps renewing it, or to one whose gate died on the way: that one disappears within one lease of
 * the death, and whether it reached main is then read from git, not from the mark.
 *
 * <p>Thread-safe: each call is one Redis command; the marks this gate renews are in a concurrent
 * map.
 */
final class GateLedger {
  private static final String PERSIST_IF_EQUAL =
      "if redis.call('get', KEYS[1]) == ARGV[1] then "
          + "redis.call('persist', KEYS[1]); return 1 end; return 0";
  private static final String RENEW_IF_LEASED =
      "if redis.call('get', KEYS[1]) == ARGV[1] and redis.call('pttl', KEYS[1]) > 0 then "
          + "redis.call('pexpire', KEYS[1], ARGV[2]); return 1 end; return 0";

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final Duration landingLease;

  /** The unconfirmed marks this gate set and still renews: unit to commit. */
  private final Map<UnitKey, String> landing = new ConcurrentHashMap<>();

  /**
   * @param landingLease how long an unconfirmed landing mark lives without a renewal: how long the
   *     landing of a gate that died blocks its units
   */
  GateLedger(RedissonClient redis, RedisKeys keys, Duration landingLease) {
    this.redis = redis;
    this.keys = keys;
    this.landingLease = landingLease;
  }

  /** How long an unconfirmed landing mark lives. */
  Duration landingLease() {
    return landingLease;
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

  /**
   * The unit's projected status when something outside the gate ended it while its candidate was on
   * the way: {@code CANCELLED} (its job was cancelled) or {@code SUPERSEDED} (another unit's
   * landing did its work); empty otherwise, and when the projection holds no state for it.
   */
  Optional<UnitStatus> endedElsewhere(UnitKey unit) {
    String json = bucket(keys.unit(unit)).get();
    if (json == null) {
      return Optional.empty();
    }
    UnitStatus status = Json.decode(json, UnitState.class).status();
    return status.isEndedElsewhere() ? Optional.of(status) : Optional.empty();
  }

  /** The commit the unit landed as, or empty when it has not landed. */
  Optional<String> landed(UnitKey unit) {
    return Optional.ofNullable(bucket(keys.landed(unit)).get());
  }

  /** The unit's landing mark with whether it is confirmed, or empty when it has none. */
  Optional<Mark> mark(UnitKey unit) {
    RBucket<String> bucket = bucket(keys.landed(unit));
    String commit = bucket.get();
    if (commit == null) {
      return Optional.empty();
    }
    long ttl = bucket.remainTimeToLive();
    // -2: it expired or was removed between the two reads.
    return ttl == -2 ? Optional.empty() : Optional.of(new Mark(commit, ttl == -1));
  }

  /**
   * Marks the unit landed as {@code commit}, for the landing lease; false when it was already
   * marked.
   */
  boolean markLanded(UnitKey unit, String commit) {
    if (!bucket(keys.landed(unit)).setIfAbsent(commit, landingLease)) {
      return false;
    }
    landing.put(unit, commit);
    return true;
  }

  /**
   * Gives every unconfirmed mark this gate set a new lease, unless it was confirmed, cleared or
   * replaced meanwhile (those are no longer renewed). Called every third of the lease.
   */
  void renewLandings() {
    for (Map.Entry<UnitKey, String> mark : landing.entrySet()) {
      Long renewed =
          redis
              .getScript(StringCodec.INSTANCE)
              .eval(
                  RScript.Mode.READ_WRITE,
                  RENEW_IF_LEASED,
                  RScript.ReturnType.LONG,
                  List.of(keys.landed(mark.getKey())),
                  mark.getValue(),
                  Long.toString(landingLease.toMillis()));
      if (renewed == null || renewed != 1L) {
        landing.remove(mark.getKey(), mark.getValue());
      }
    }
  }

  /**
   * Makes the mark permanent if it still names {@code commit}: the landing is reported. False when
   * it names another commit or expired.
   */
  boolean confirmLanded(UnitKey unit, String commit) {
    landing.remove(unit, commit);
    Long done =
        redis
            .getScript(StringCodec.INSTANCE)
            .eval(
                RScript.Mode.READ_WRITE,
                PERSIST_IF_EQUAL,
                RScript.ReturnType.LONG,
                List.of(keys.landed(unit)),
                commit);
    return done != null && done == 1L;
  }

  /** Removes the mark if it still says {@code commit}: that landing did not reach main. */
  void unmarkLanded(UnitKey unit, String commit) {
    landing.remove(unit, commit);
    bucket(keys.landed(unit)).compareAndSet(commit, null);
  }

  /** Counts one more flake of {@code test} in the repository; returns the count so far. */
  long recordFlake(RepoId repo, String test) {
    return redis.<String, Long>getMap(keys.flakes(repo), LongCodec.INSTANCE).addAndGet(test, 1L);
  }

  /** Records the repository's batch size, which {@link GateView} shows. */
  void recordBatchSize(RepoId repo, int size) {
    redis.<Long>getBucket(keys.gateBatchSize(repo), LongCodec.INSTANCE).set((long) size);
  }

  /**
   * A unit's landing mark.
   *
   * @param commit the commit the unit landed, or is landing, as
   * @param confirmed whether the landing is reported; otherwise the mark is a lease
   */
  record Mark(String commit, boolean confirmed) {}

  private RBucket<String> bucket(String key) {
    return redis.getBucket(key, StringCodec.INSTANCE);
  }
}
