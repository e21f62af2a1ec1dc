package dev.fleetq.coordinator.publish;

import dev.fleetq.coordinator.LogContext;
import dev.fleetq.coordinator.kafka.Details;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.Sender;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.AttemptFailure;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RBucket;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that puts attempts of units on the units topic and owns each unit's fencing epoch,
 * {@code attempt:{unitKey}}, which only ever moves upwards.
 *
 * <p>{@link #publish} raises the fence to the attempt (compare-and-set), sends the unit, records it
 * in {@code unit-spec:{unitKey}} and emits {@code PUBLISHED}. {@link #retry} decides, in one place,
 * what follows a failed attempt: the next attempt, or {@code FAILED}. The next attempt targets only
 * the tests that the repository's newest baseline still fails, so that an agent of a unit whose
 * targets another landing fixed in part works on the rest. Its fence move from n to n+1 is a
 * compare-and-set, so a replayed {@code RETRYING} event republishes nothing. A retry that was
 * interrupted after moving the fence but before recording the new attempt in {@code unit-spec} is
 * completed by the next call for the same failure, so a crash cannot strand a unit; in that case
 * the attempt may be delivered twice, which workers tolerate.
 *
 * <p>Values are stored as plain UTF-8 strings ({@link StringCodec}): JSON for records, decimal for
 * the fence, readable by every component and by {@code redis-cli}. Thread-safe; the projector calls
 * {@link #retry} from its thread and planners call {@link #publish} from theirs.
 */
public final class UnitPublisher {
  private static final Logger log = LoggerFactory.getLogger(UnitPublisher.class);

  /** Records an attempt as the latest only while the fence is at it, in one step. */
  private static final String SET_SPEC_IF_FENCE_IS =
      "if tonumber(redis.call('get', KEYS[1]) or '0') == tonumber(ARGV[1]) then "
          + "redis.call('set', KEYS[2], ARGV[2]); return 1 end; return 0";

  /** How much of one attempt's detail a {@code FAILED} event repeats. */
  private static final int DETAIL_PER_ATTEMPT_CHARS = 1000;

  private final Sender sender;
  private final String unitsTopic;
  private final EventLog events;
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final CoordinatorMetrics metrics;
  private final Clock clock;

  public UnitPublisher(
      Sender sender,
      Topics topics,
      EventLog events,
      RedissonClient redis,
      RedisKeys keys,
      CoordinatorMetrics metrics,
      Clock clock) {
    this.sender = sender;
    this.metrics = metrics;
    this.unitsTopic = topics.units();
    this.events = events;
    this.redis = redis;
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * Publishes one attempt of a unit, unless the unit's fence is already above it.
   *
   * @throws dev.fleetq.coordinator.kafka.TransientFailure when Kafka does not acknowledge in time
   */
  public PublishOutcome publish(WorkUnit unit) {
    return LogContext.inUnit(unit.key(), () -> send(unit));
  }

  private PublishOutcome send(WorkUnit unit) {
    if (!raiseFence(unit.key(), unit.attempt())) {
      log.info(
          "Not publishing attempt {} of {}: a newer attempt exists", unit.attempt(), unit.key());
      return PublishOutcome.STALE;
    }
    sender.send(unitsTopic, unit.key().value(), Json.encode(unit), List.of());
    spec(unit.key()).set(Json.encodeToString(unit));
    events.emit(
        new UnitEvent(
            unit.jobId(),
            unit.unitId(),
            unit.attempt(),
            UnitStatus.PUBLISHED,
            null,
            null,
            null,
            clock.instant()));
    log.info("Published attempt {} of {}", unit.attempt(), unit.key());
    metrics.unitPublished(unit.attempt());
    return PublishOutcome.PUBLISHED;
  }

  /**
   * Sends the unit's current attempt again, for an attempt whose record a worker took and did not
   * claim, and emits {@code PUBLISHED} again with {@code why} as its detail. The fence does not
   * move: it is the same attempt, and a worker skips whichever of its records comes second.
   *
   * @return false, sending nothing, when {@code attempt} is no longer the unit's latest
   * @throws dev.fleetq.coordinator.kafka.TransientFailure when Kafka does not acknowledge in time
   */
  public boolean redeliver(UnitKey key, int attempt, String why) {
    return LogContext.inUnit(key, () -> sendAgain(key, attempt, why));
  }

  private boolean sendAgain(UnitKey key, int attempt, String why) {
    String stored = spec(key).get();
    if (stored == null || fence(key).get() != attempt) {
      return false;
    }
    WorkUnit unit = Json.decode(stored, WorkUnit.class);
    if (unit.attempt() != attempt) {
      return false;
    }
    sender.send(unitsTopic, key.value(), Json.encode(unit), List.of());
    events.emit(
        new UnitEvent(
            unit.jobId(),
            unit.unitId(),
            attempt,
            UnitStatus.PUBLISHED,
            null,
            null,
            Details.clip(why),
            clock.instant()));
    log.info("Sent attempt {} of {} again: {}", attempt, key, why);
    metrics.unitRedelivered();
    return true;
  }

  /**
   * Puts back what Redis lost about a published attempt, read again from the units topic: raises
   * the fence to it and records it as the unit's latest attempt, unless a later attempt is there.
   * Sends and emits nothing.
   */
  public void restore(WorkUnit unit) {
    if (raiseFence(unit.key(), unit.attempt())) {
      redis
          .getScript(StringCodec.INSTANCE)
          .eval(
              RScript.Mode.READ_WRITE,
              SET_SPEC_IF_FENCE_IS,
              RScript.ReturnType.LONG,
              List.of(keys.attempt(unit.key()), keys.unitSpec(unit.key())),
              Integer.toString(unit.attempt()),
              Json.encodeToString(unit));
    }
  }

  /**
   * Decides what follows a failed attempt: publishes the next attempt with the failure in its
   * {@code previousFailure}, or emits {@code FAILED} when the unit has used its {@code maxAttempts}
   * or the reason is not retryable, with every attempt's reason in the detail.
   *
   * <p>Idempotent: a failure of an attempt that is no longer the unit's latest does nothing.
   */
  public RetryOutcome retry(UnitKey key, AttemptFailure failure) {
    return LogContext.inUnit(key, () -> decide(key, failure));
  }

  private RetryOutcome decide(UnitKey key, AttemptFailure failure) {
    String stored = spec(key).get();
    if (stored == null) {
      log.warn("Cannot retry {}: no attempt of it was published", key);
      return RetryOutcome.UNKNOWN_UNIT;
    }
    WorkUnit latest = Json.decode(stored, WorkUnit.class);
    if (failure.attempt() != latest.attempt()) {
      log.debug("Attempt {} of {} was already handled", failure.attempt(), key);
      return RetryOutcome.ALREADY_HANDLED;
    }
    if (!failure.reason().retryable() || latest.attempt() >= latest.agent().maxAttempts()) {
      return fail(latest, failure);
    }
    if (!moveFence(key, latest.attempt())) {
      return RetryOutcome.ALREADY_HANDLED;
    }
    List<String> targets = stillFailing(latest);
    String why = previousFailure(failure);
    if (targets.size() < latest.targetTests().size()) {
      List<String> done = latest.targetTests().stream().filter(t -> !targets.contains(t)).toList();
      log.info("{} keeps {} of its targets: main passes {}", key, targets.size(), done);
      why =
          Details.clip(
              why
                  + "\n\nMain now passes "
                  + String.join(", ", done)
                  + ", so they are no longer this unit's targets.");
    }
    publish(latest.nextAttempt(why, targets, clock.instant()));
    return RetryOutcome.REPUBLISHED;
  }

  /**
   * The unit's targets that the repository's newest baseline does not pass; all of them when it
   * passes none or every one (a unit whose work is done is superseded, not narrowed).
   */
  private List<String> stillFailing(WorkUnit unit) {
    String main =
        redis.<String>getBucket(keys.gate(unit.repo().repoId()), StringCodec.INSTANCE).get();
    Set<String> passing =
        main == null ? Set.of() : new HashSet<>(Json.decode(main, GateBaseline.class).passing());
    List<String> rest = unit.targetTests().stream().filter(t -> !passing.contains(t)).toList();
    return rest.isEmpty() ? unit.targetTests() : rest;
  }

  private RetryOutcome fail(WorkUnit latest, AttemptFailure failure) {
    boolean exhausted = failure.reason().retryable();
    Reason reason = exhausted ? Reason.ATTEMPTS_EXHAUSTED : failure.reason();
    String summary =
        exhausted
            ? "used all " + latest.agent().maxAttempts() + " attempts"
            : failure.reason() + " cannot be retried";
    String detail = Details.clip(summary + "\n" + history(latest.key(), failure));
    events.emit(
        new UnitEvent(
            latest.jobId(),
            latest.unitId(),
            latest.attempt(),
            UnitStatus.FAILED,
            null,
            reason,
            detail,
            clock.instant()));
    log.info("{} failed: {}", latest.key(), summary);
    return RetryOutcome.FAILED;
  }

  /**
   * Raises the fence to {@code attempt} unless it is already there or above.
   *
   * @return false when the fence is above {@code attempt}
   */
  private boolean raiseFence(UnitKey key, int attempt) {
    RAtomicLong fence = fence(key);
    while (true) {
      long current = fence.get();
      if (current > attempt) {
        return false;
      }
      if (current == attempt || fence.compareAndSet(current, attempt)) {
        return true;
      }
    }
  }

  /**
   * Moves the fence from {@code attempt} to the next one.
   *
   * @return true when this call moved it, or when it was moved by a retry of the same failure that
   *     did not get as far as publishing; false when a later attempt already exists
   */
  private boolean moveFence(UnitKey key, int attempt) {
    RAtomicLong fence = fence(key);
    if (fence.compareAndSet(attempt, attempt + 1L)) {
      return true;
    }
    // The spec still says `attempt`, so the attempt after it was never recorded as published.
    return fence.get() == attempt + 1L;
  }

  /** Every attempt's reason, oldest first: the projected failures plus this one. */
  private String history(UnitKey key, AttemptFailure last) {
    Map<Integer, AttemptFailure> byAttempt = new TreeMap<>();
    String projected = redis.<String>getBucket(keys.unit(key), StringCodec.INSTANCE).get();
    if (projected != null) {
      Json.decode(projected, UnitState.class)
          .failures()
          .forEach(f -> byAttempt.put(f.attempt(), f));
    }
    byAttempt.put(last.attempt(), last);
    StringBuilder lines = new StringBuilder();
    for (AttemptFailure failure : byAttempt.values()) {
      lines.append("attempt ").append(failure.attempt()).append(": ").append(failure.reason());
      if (failure.detail() != null && !failure.detail().isBlank()) {
        lines.append(" (").append(Details.clip(failure.detail().strip(), DETAIL_PER_ATTEMPT_CHARS));
        lines.append(')');
      }
      lines.append('\n');
    }
    return lines.toString().stripTrailing();
  }

  private static String previousFailure(AttemptFailure failure) {
    String text = "attempt " + failure.attempt() + " ended with " + failure.reason();
    if (failure.detail() != null && !failure.detail().isBlank()) {
      text += ": " + failure.detail().strip();
    }
    return Details.clip(text);
  }

  private RBucket<String> spec(UnitKey key) {
    return redis.getBucket(keys.unitSpec(key), StringCodec.INSTANCE);
  }

  private RAtomicLong fence(UnitKey key) {
    return redis.getAtomicLong(keys.attempt(key));
  }
}
