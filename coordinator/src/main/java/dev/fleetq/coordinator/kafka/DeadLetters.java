package dev.fleetq.coordinator.kafka;

import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.model.wire.DeadLetterHeaders;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a record that cannot be handled to the dead-letter topic: its original key and bytes, the
 * original headers, and {@link DeadLetterHeaders} saying what was wrong and where it came from. A
 * bad record is set aside this way and never stops a consumer.
 *
 * <p>Thread-safe.
 */
public final class DeadLetters {
  /** Errors longer than this are cut, so a header never approaches Kafka's record size limit. */
  static final int MAX_ERROR_CHARS = 4096;

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final Sender sender;
  private final String topic;
  private final CoordinatorMetrics metrics;

  public DeadLetters(Sender sender, Topics topics, CoordinatorMetrics metrics) {
    this.sender = Objects.requireNonNull(sender, "sender");
    this.topic = topics.dlq();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Dead-letters a record that failed to decode or validate, with the path of the bad field.
   *
   * @param rejectedBy the component that refuses it, such as {@code coordinator.intake}
   */
  public void reject(
      ConsumerRecord<byte[], byte[]> record, InvalidMessageException error, String rejectedBy) {
    send(record, error.getMessage(), error.path(), rejectedBy);
  }

  /**
   * Dead-letters a record that could not be handled for a reason that will not pass by retrying.
   */
  public void reject(ConsumerRecord<byte[], byte[]> record, RuntimeException error, String by) {
    send(record, error.toString(), InvalidMessageException.ROOT, by);
  }

  private void send(
      ConsumerRecord<byte[], byte[]> record, String error, String path, String rejectedBy) {
    List<Header> headers = new ArrayList<>();
    record.headers().forEach(headers::add);
    headers.add(header(DeadLetterHeaders.ERROR, Details.clip(error, MAX_ERROR_CHARS)));
    headers.add(header(DeadLetterHeaders.ERROR_PATH, path));
    headers.add(header(DeadLetterHeaders.REJECTED_BY, rejectedBy));
    headers.add(header(DeadLetterHeaders.SOURCE_TOPIC, record.topic()));
    headers.add(header(DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(record.partition())));
    headers.add(header(DeadLetterHeaders.SOURCE_OFFSET, Long.toString(record.offset())));
    sender.sendBytes(topic, record.key(), record.value(), headers);
    metrics.deadLettered(rejectedBy);
    log.warn(
        "Dead-lettered {}-{}@{} to {}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        topic,
        error);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
