package dev.fleetq.coordinator.state;

import dev.fleetq.coordinator.kafka.TransientFailure;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that Redis has lost fleetq's data (restarted without persistence, flushed, or replaced)
 * and puts back, from Kafka, what the projector needs before it folds the events topic again.
 *
 * <p>The sign is the epoch ({@link RedisKeys#epoch}): a token that the first coordinator to find it
 * missing writes. A projector that finds a token other than the one it has worked with, or none,
 * reads the whole units topic and restores each unit's fence and latest attempt ({@link
 * UnitPublisher#restore}), then says so, and the projector reads its events again from the
 * beginning: the folds rebuild the units' and jobs' states and the gate's landing marks. The gate
 * measures main again when it finds no baseline, and workers write their heartbeats again; leases
 * that vanished are handed back by the reaper, and fencing by attempt refuses what their workers
 * push. A coordinator that starts on a Redis without the epoch does the same, which on a new
 * installation costs nothing.
 *
 * <p>Not thread-safe; owned by the projector's thread.
 */
public final class RedisRecovery {
  /** How often the epoch is read. */
  public static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  /** The bound on reading the units topic once. */
  public static final Duration RESTORE_BOUND = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(RedisRecovery.class);
  private static final Duration READ_POLL = Duration.ofMillis(200);

  private final RBucket<String> epoch;
  private final Supplier<Consumer<byte[], byte[]>> unitsReader;
  private final String unitsTopic;
  private final UnitPublisher publisher;
  private final CoordinatorMetrics metrics;
  private final Clock clock;
  private String known;
  private Instant nextCheck = Instant.MIN;

  /**
   * @param unitsReader makes a consumer without a group, to read the units topic once; closed after
   */
  public RedisRecovery(
      RedissonClient redis,
      RedisKeys keys,
      Supplier<Consumer<byte[], byte[]>> unitsReader,
      String unitsTopic,
      UnitPublisher publisher,
      CoordinatorMetrics metrics,
      Clock clock) {
    this.epoch = redis.getBucket(keys.epoch(), StringCodec.INSTANCE);
    this.unitsReader = unitsReader;
    this.unitsTopic = unitsTopic;
    this.publisher = publisher;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Whether Redis lost its data since this coordinator last looked, read at most once per {@link
   * #CHECK_EVERY}; when it did, the units' fences and latest attempts are back when this returns. A
   * failure to read Redis or Kafka is logged and tried again at the next check.
   */
  public boolean lost() {
    Instant now = clock.instant();
    if (now.isBefore(nextCheck)) {
      return false;
    }
    nextCheck = now.plus(CHECK_EVERY);
    try {
      return check();
    } catch (RedisException | KafkaException | TransientFailure e) {
      log.warn("Could not rebuild after Redis lost its data; trying again: {}", e.toString());
      return false;
    }
  }

  private boolean check() {
    String current = epoch.get();
    if (current != null && current.equals(known)) {
      return false;
    }
    if (current != null && known == null) {
      known = current;
      return false;
    }
    if (current == null) {
      epoch.setIfAbsent(UUID.randomUUID().toString());
      current = epoch.get();
    }
    log.warn("Redis has lost fleetq's data (epoch {} is gone); rebuilding it from Kafka", known);
    int restored = restoreUnits();
    known = current;
    metrics.redisRebuilt();
    log.info("Restored {} published attempts; folding the events again", restored);
    return true;
  }

  /** Reads the units topic to its end now and restores each attempt; returns how many. */
  private int restoreUnits() {
    Instant deadline = clock.instant().plus(RESTORE_BOUND);
    int restored = 0;
    try (Consumer<byte[], byte[]> reader = unitsReader.get()) {
      List<TopicPartition> partitions =
          reader.partitionsFor(unitsTopic, RESTORE_BOUND).stream()
              .map(p -> new TopicPartition(unitsTopic, p.partition()))
              .toList();
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions, RESTORE_BOUND);
      while (ends.entrySet().stream().anyMatch(e -> reader.position(e.getKey()) < e.getValue())) {
        if (clock.instant().isAfter(deadline)) {
          throw new TransientFailure(
              "reading " + unitsTopic + " took longer than " + RESTORE_BOUND, null);
        }
        for (ConsumerRecord<byte[], byte[]> record : reader.poll(READ_POLL)) {
          restored += restore(record) ? 1 : 0;
        }
      }
    }
    return restored;
  }

  private boolean restore(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return false;
    }
    try {
      publisher.restore(Json.decode(record.value(), WorkUnit.class));
      return true;
    } catch (InvalidMessageException e) {
      // Workers dead-lettered it when they read it; it was never an attempt.
      return false;
    }
  }
}
