package dev.fleetq.coordinator.reap;

import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.wire.InvalidMessageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Finds published units whose record a worker took and nobody claimed, and sends them again. A
 * {@code PUBLISHED} unit is normally waiting in Kafka and left alone. But a worker marks every
 * delivery it takes ({@link RedisKeys#delivered}) before it tries the unit's lock, so a published
 * unit with the mark was taken and not claimed: the taker died before it said {@code CLAIMED}, or
 * Kafka archived a record that was handed back too often. Kafka may then hold no record of it.
 *
 * <p>Such a unit is sent again, same attempt ({@link UnitPublisher#redeliver}), once its lease has
 * stayed free for the grace, or at once when the taker has no heartbeat (its lease is then
 * deleted). The mark is deleted first, so that only a new delivery can lead to another send.
 *
 * <p>Not thread-safe; owned by the reaper's thread.
 */
final class DroppedDeliveries {
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final UnitPublisher publisher;
  private final Duration grace;
  private Map<UnitKey, Suspect> suspects = new HashMap<>();

  DroppedDeliveries(RedissonClient redis, RedisKeys keys, UnitPublisher publisher, Duration grace) {
    this.redis = redis;
    this.keys = keys;
    this.publisher = publisher;
    this.grace = grace;
  }

  /**
   * Looks at the published units of running jobs.
   *
   * @return the units it sent again
   */
  List<UnitKey> round(List<UnitState> published, Instant now) {
    Map<UnitKey, Suspect> stillSuspect = new HashMap<>();
    List<UnitKey> sent = new ArrayList<>();
    for (UnitState unit : published) {
      RBucket<String> mark =
          redis.getBucket(keys.delivered(unit.key(), unit.attempt()), StringCodec.INSTANCE);
      String taker = mark.get();
      if (taker == null) {
        continue;
      }
      RLock lock = redis.getLock(keys.unitLock(unit.key()));
      String why;
      if (!alive(taker)) {
        lock.forceUnlock();
        why = "worker " + taker + " took the delivery and stopped sending heartbeats";
      } else if (lock.isLocked()) {
        continue;
      } else {
        Suspect suspect = Suspect.continuing(suspects.get(unit.key()), unit, now);
        if (!suspect.outlived(grace, now)) {
          stillSuspect.put(unit.key(), suspect);
          continue;
        }
        why = "worker " + taker + " took the delivery and nobody claimed it for " + grace;
      }
      if (redeliver(unit, mark, taker, why)) {
        sent.add(unit.key());
      }
    }
    suspects = stillSuspect;
    return sent;
  }

  /** Drops what earlier rounds saw, when this instance stops leading. */
  void forget() {
    suspects = new HashMap<>();
  }

  private boolean redeliver(UnitState unit, RBucket<String> mark, String taker, String why) {
    mark.delete();
    try {
      return publisher.redeliver(unit.key(), unit.attempt(), why);
    } catch (RuntimeException e) {
      mark.set(taker, RedisKeys.DELIVERY_MARK_TTL);
      throw e;
    }
  }

  /** Whether {@code worker}, as a mark spells it, has a heartbeat; a garbled name has none. */
  private boolean alive(String worker) {
    try {
      return redis.getBucket(keys.worker(WorkerId.parse(worker))).isExists();
    } catch (InvalidMessageException e) {
      return false;
    }
  }
}
