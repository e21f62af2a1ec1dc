package dev.fleetq.worker.unit;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledging one record of a share group and committing it at once, as the units topic's and the
 * suites topic's readers do. A commit that fails is logged, not thrown: a Redis lease (the unit's
 * lock, the suite run's lease) is what keeps two consumers apart, and a record delivered again is
 * found a duplicate by its lease. Stateless.
 */
public final class Acknowledgement {
  private static final Logger log = LoggerFactory.getLogger(Acknowledgement.class);

  private Acknowledgement() {}

  /**
   * Acknowledges {@code record} as {@code type} and commits it, waiting at most {@code timeout}.
   */
  public static void commit(
      ShareConsumer<byte[], byte[]> consumer,
      ConsumerRecord<byte[], byte[]> record,
      AcknowledgeType type,
      Duration timeout) {
    consumer.acknowledge(record, type);
    Map<TopicIdPartition, Optional<KafkaException>> results = consumer.commitSync(timeout);
    results.forEach(
        (partition, error) ->
            error.ifPresent(
                e ->
                    log.warn(
                        "{} of {} was not committed: {}",
                        type,
                        DeadLetters.describe(record),
                        e.toString())));
  }
}
