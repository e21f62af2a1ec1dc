package dev.fleetq.worker.unit;

import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The units topic as the worker reads it: a member of the workers' share group that acquires one
 * record per poll and acknowledges each one explicitly, at once, so that the record's short
 * acquisition lock never matters; the long lease lives in Redis. A record that cannot be decoded
 * goes to the dead-letter topic and is accepted, so it never blocks the group.
 *
 * <p>Not thread-safe; owned by the worker's take loop thread, which alone may call it. Only {@link
 * #wakeup()} may be called from another thread.
 */
public final class UnitSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnitSource.class);

  private final ShareConsumer<byte[], byte[]> consumer;
  private final DeadLetters deadLetters;
  private final Duration timeout;
  private final String topic;
  private boolean subscribed;

  /**
   * @param consumer the share consumer, configured for explicit acknowledgement and one record per
   *     poll; this source subscribes it on its first poll and closes it
   * @param unitsTopic the topic to read
   * @param producer where dead letters are sent
   * @param dlqTopic the dead-letter topic
   * @param timeout the bound on acknowledgement commits, dead-letter sends and closing
   */
  public UnitSource(
      ShareConsumer<byte[], byte[]> consumer,
      String unitsTopic,
      Producer<byte[], byte[]> producer,
      String dlqTopic,
      Duration timeout) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.deadLetters = new DeadLetters(producer, dlqTopic, timeout, DeadLetters.REJECTED_BY);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.topic = Objects.requireNonNull(unitsTopic, "unitsTopic");
  }

  /**
   * Acquires at most one unit, waiting up to {@code pollTimeout}. A record that is not a valid
   * {@link WorkUnit} is dead-lettered and accepted here, and the result is empty.
   *
   * @throws org.apache.kafka.common.errors.WakeupException if {@link #wakeup()} was called
   */
  public Optional<Delivery> poll(Duration pollTimeout) {
    if (!subscribed) {
      // Subscribed here rather than in the constructor, so that only the owning thread touches it.
      consumer.subscribe(List.of(topic));
      subscribed = true;
    }
    Delivery delivery = null;
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
      // max.poll.records=1 in record_limit mode: at most one record arrives; any extra would be
      // handed back rather than held while the slot is busy.
      if (delivery != null) {
        acknowledge(record, AcknowledgeType.RELEASE);
        continue;
      }
      delivery = decode(record);
    }
    return Optional.ofNullable(delivery);
  }

  /**
   * The unit is claimed, or it was skipped as a duplicate: it is done with as far as Kafka goes.
   */
  public void accept(Delivery delivery) {
    acknowledge(delivery.record(), AcknowledgeType.ACCEPT);
  }

  /** The worker did not claim the unit and is stopping, or Redis failed: deliver it again. */
  public void release(Delivery delivery) {
    acknowledge(delivery.record(), AcknowledgeType.RELEASE);
  }

  /** Makes a blocked {@link #poll} return at once with a wakeup exception; any thread may call. */
  public void wakeup() {
    consumer.wakeup();
  }

  /** Leaves the share group; records acquired and not acknowledged are handed back. */
  @Override
  public void close() {
    try {
      consumer.close(timeout);
    } catch (RuntimeException e) {
      log.warn("Closing the units consumer failed", e);
    }
  }

  private Delivery decode(ConsumerRecord<byte[], byte[]> record) {
    try {
      if (record.value() == null) {
        throw new InvalidMessageException(InvalidMessageException.ROOT, "is empty (a tombstone)");
      }
      return new Delivery(record, Json.decode(record.value(), WorkUnit.class));
    } catch (InvalidMessageException e) {
      log.warn("Dead-lettering {}: {}", DeadLetters.describe(record), e.getMessage());
      try {
        deadLetters.send(record, e);
      } catch (KafkaException sendFailed) {
        // Explicit mode requires every record acknowledged before the next poll; deliver it again.
        acknowledge(record, AcknowledgeType.RELEASE);
        throw sendFailed;
      }
      acknowledge(record, AcknowledgeType.ACCEPT);
      return null;
    }
  }

  /** Acknowledges and commits at once, so the broker learns before the acquisition lock ends. */
  private void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
    Acknowledgement.commit(consumer, record, type, timeout);
  }
}
