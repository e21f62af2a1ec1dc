package dev.fleetq.worker.unit;

import dev.fleetq.model.unit.WorkUnit;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One unit record acquired from the share group and not yet acknowledged, with the unit it holds.
 * It must be {@link UnitSource#accept accepted} or {@link UnitSource#release released} before the
 * next poll.
 *
 * <p>Immutable; belongs to the take loop thread like the consumer it came from.
 */
public final class Delivery {
  private final ConsumerRecord<byte[], byte[]> record;
  private final WorkUnit unit;

  Delivery(ConsumerRecord<byte[], byte[]> record, WorkUnit unit) {
    this.record = Objects.requireNonNull(record, "record");
    this.unit = Objects.requireNonNull(unit, "unit");
  }

  /** The unit the record holds. */
  public WorkUnit unit() {
    return unit;
  }

  /** How many times the share group has delivered this record, 1 the first time. */
  public int deliveryCount() {
    return record.deliveryCount().map(Short::intValue).orElse(1);
  }

  ConsumerRecord<byte[], byte[]> record() {
    return record;
  }

  @Override
  public String toString() {
    return unit.key()
        + " attempt "
        + unit.attempt()
        + " ("
        + record.topic()
        + "-"
        + record.partition()
        + "@"
        + record.offset()
        + ", delivery "
        + deliveryCount()
        + ")";
  }
}
