package dev.fleetq.worker.claim;

import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import dev.fleetq.worker.claim.ClaimOutcome.Claimed;
import dev.fleetq.worker.claim.ClaimOutcome.SkipReason;
import dev.fleetq.worker.claim.ClaimOutcome.Skipped;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims units in Redis: skips a unit that no longer needs work (a newer attempt exists, it has
 * landed, or its projected state is terminal), marks the delivery ({@link RedisKeys#delivered}),
 * then takes its lock with Redisson's watchdog as the lease. Each claim gets its own synthetic
 * thread id, so the slot thread that ends the attempt, not the take loop thread that claimed it,
 * releases the lock.
 *
 * <p>A lock that is held means one of two things. When the projection shows this attempt claimed,
 * another worker works on it and the delivery is a duplicate ({@link SkipReason#LOCK_HELD}). When
 * it does not, the holder is the previous attempt's worker, still cleaning up after the gate
 * refused its push: the claim waits up to {@link #HAND_OVER_WAIT} for the lock, and if it is still
 * held says {@link SkipReason#HANDING_OVER}, so that the record is released and Kafka delivers it
 * again instead of it being dropped.
 *
 * <p>The fencing epoch {@code attempt:{unitKey}} is read as a decimal number, {@code
 * landed:{unitKey}} only for existence, and {@code unit:{unitKey}} as {@link UnitState} JSON, all
 * as plain strings. A value that cannot be read is logged and does not stop the claim: the gate
 * refuses stale candidates anyway.
 *
 * <p>Thread-safe: every call is a bounded Redis round trip and the only state is a counter.
 */
public final class UnitClaims {
  private static final Logger log = LoggerFactory.getLogger(UnitClaims.class);

  /** How long a claim waits for the lock of a previous attempt whose worker is ending it. */
  public static final Duration HAND_OVER_WAIT = Duration.ofSeconds(2);

  /** Far above any real thread id, so a synthetic owner never collides with a thread's lock. */
  private static final long FIRST_OWNER = 1L << 40;

  private final RedissonClient redisson;
  private final RedisKeys keys;
  private final WorkerId worker;
  private final Duration timeout;
  private final AtomicLong owners = new AtomicLong(FIRST_OWNER);

  /**
   * @param redisson the worker's client; its lock watchdog timeout is the lease
   * @param keys the Redis key names
   * @param worker the worker whose deliveries these claims mark
   * @param timeout the bound on each Redis call
   */
  public UnitClaims(RedissonClient redisson, RedisKeys keys, WorkerId worker, Duration timeout) {
    this.redisson = Objects.requireNonNull(redisson, "redisson");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Claims the unit, or says why not.
   *
   * @throws ClaimException if Redis failed or did not answer in time
   */
  public ClaimOutcome claim(WorkUnit unit) {
    UnitKey key = unit.key();
    String gate = keys.gate(unit.repo().repoId());
    Map<String, String> found = read(keys.attempt(key), keys.landed(key), keys.unit(key), gate);
    Optional<Skipped> skip = reasonToSkip(unit, found);
    if (skip.isPresent()) {
      return skip.get();
    }
    markDelivered(unit);
    boolean handOver = !claimedElsewhere(unit, found.get(keys.unit(key)));
    Duration wait = handOver ? HAND_OVER_WAIT : Duration.ZERO;
    RLock lock = redisson.getLock(keys.unitLock(unit.key()));
    long owner = owners.getAndIncrement();
    boolean locked =
        Redis.call(
            () -> lock.tryLockAsync(wait.toMillis(), -1, TimeUnit.MILLISECONDS, owner),
            timeout.plus(wait),
            "locking " + unit.key());
    if (!locked && handOver) {
      return new Skipped(
          SkipReason.HANDING_OVER,
          "the previous attempt's worker still holds " + keys.unitLock(key) + " after " + wait);
    }
    if (!locked) {
      return new Skipped(SkipReason.LOCK_HELD, "another worker holds " + keys.unitLock(key));
    }
    return new Claimed(
        new Lease(unit.key(), lock, owner, timeout), baseline(gate, found.get(gate)));
  }

  /**
   * The units among {@code running} that were ended from outside the worker: their projected state
   * is now {@link UnitStatus#CANCELLED} (the job was cancelled) or {@link UnitStatus#SUPERSEDED}
   * (another unit's landing did their work).
   *
   * @throws ClaimException if Redis failed or did not answer in time
   */
  public Map<UnitKey, UnitStatus> endedAmong(Collection<UnitKey> running) {
    if (running.isEmpty()) {
      return Map.of();
    }
    Map<String, UnitKey> byStateKey = new LinkedHashMap<>();
    running.forEach(key -> byStateKey.put(keys.unit(key), key));
    Map<String, String> states = read(byStateKey.keySet().toArray(String[]::new));
    Map<UnitKey, UnitStatus> ended = new HashMap<>();
    states.forEach(
        (stateKey, json) ->
            state(stateKey, json)
                .map(UnitState::status)
                .filter(UnitStatus::isEndedElsewhere)
                .ifPresent(status -> ended.put(byStateKey.get(stateKey), status)));
    return ended;
  }

  /** Whether the projection shows this attempt of the unit taken by a worker. */
  private boolean claimedElsewhere(WorkUnit unit, String json) {
    return state(keys.unit(unit.key()), json)
        .filter(state -> state.attempt() == unit.attempt())
        .filter(state -> state.status() != UnitStatus.PUBLISHED)
        .isPresent();
  }

  private void markDelivered(WorkUnit unit) {
    RBucket<String> mark =
        redisson.getBucket(keys.delivered(unit.key(), unit.attempt()), StringCodec.INSTANCE);
    Redis.call(
        () -> mark.setAsync(worker.value(), RedisKeys.DELIVERY_MARK_TTL),
        timeout,
        "marking the delivery of " + unit.key());
  }

  private Optional<Skipped> reasonToSkip(WorkUnit unit, Map<String, String> found) {
    UnitKey key = unit.key();
    Optional<Long> current = attempt(keys.attempt(key), found.get(keys.attempt(key)));
    if (current.isPresent() && current.get() > unit.attempt()) {
      return Optional.of(
          new Skipped(
              SkipReason.NEWER_ATTEMPT,
              "attempt " + current.get() + " is current, this is attempt " + unit.attempt()));
    }
    if (found.containsKey(keys.landed(key))) {
      return Optional.of(
          new Skipped(SkipReason.LANDED, "landed as " + found.get(keys.landed(key))));
    }
    Optional<UnitState> state = state(keys.unit(key), found.get(keys.unit(key)));
    if (state.isPresent() && state.get().status().isTerminal()) {
      return Optional.of(new Skipped(SkipReason.FINISHED, "the unit is " + state.get().status()));
    }
    return Optional.empty();
  }

  /** One round trip (MGET) for all keys; absent keys are absent from the map. */
  private Map<String, String> read(String... names) {
    return Redis.call(
        () -> redisson.getBuckets(StringCodec.INSTANCE).<String>getAsync(names),
        timeout,
        "reading " + String.join(", ", names));
  }

  private static Optional<Long> attempt(String name, String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      log.warn("Ignoring {}: not a decimal number: {}", name, value);
      return Optional.empty();
    }
  }

  /** The gate baseline at {@code name}, or null when there is none or it cannot be read. */
  private static GateBaseline baseline(String name, String json) {
    if (json == null) {
      return null;
    }
    try {
      return Json.decode(json, GateBaseline.class);
    } catch (InvalidMessageException e) {
      log.warn("Ignoring {}: not a gate baseline: {}", name, e.getMessage());
      return null;
    }
  }

  private static Optional<UnitState> state(String name, String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.decode(json, UnitState.class));
    } catch (InvalidMessageException e) {
      log.warn("Ignoring {}: not a unit state: {}", name, e.getMessage());
      return Optional.empty();
    }
  }
}
