package dev.fleetq.worker.unit;

import dev.fleetq.model.wire.DeadLetterHeaders;
import dev.fleetq.model.wire.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;

/**
 * Sends a record that cannot be read to the dead-letter topic, with its original key, value and
 * headers and the {@link DeadLetterHeaders} that say what was wrong and where it came from.
 *
 * <p>Thread-safe: the producer is; each send is awaited with a bound.
 */
public final class DeadLetters {
  /** What the {@link DeadLetterHeaders#REJECTED_BY} header names for the units topic. */
  static final String REJECTED_BY = "worker.unit-source";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Duration timeout;
  private final String rejectedBy;

  /**
   * @param topic the dead-letter topic
   * @param timeout the bound on each send
   * @param rejectedBy what the {@link DeadLetterHeaders#REJECTED_BY} header names, such as {@code
   *     worker.unit-source}
   */
  public DeadLetters(
      Producer<byte[], byte[]> producer, String topic, Duration timeout, String rejectedBy) {
    this.rejectedBy = Objects.requireNonNull(rejectedBy, "rejectedBy");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Sends the record with its error and waits, bounded, until the broker has it.
   *
   * @throws KafkaException if the broker did not take it in time
   */
  public void send(ConsumerRecord<byte[], byte[]> rejected, InvalidMessageException error) {
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>(topic, null, rejected.key(), rejected.value(), rejected.headers());
    Headers headers = letter.headers();
    header(headers, DeadLetterHeaders.ERROR, error.getMessage());
    header(headers, DeadLetterHeaders.ERROR_PATH, error.path());
    header(headers, DeadLetterHeaders.REJECTED_BY, rejectedBy);
    header(headers, DeadLetterHeaders.SOURCE_TOPIC, rejected.topic());
    header(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(rejected.partition()));
    header(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(rejected.offset()));
    try {
      producer.send(letter).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while dead-lettering " + describe(rejected), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("could not dead-letter " + describe(rejected), e);
    }
  }

  private static void header(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Names a record by where it came from: {@code topic-partition@offset}. */
  public static String describe(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
