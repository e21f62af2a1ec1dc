package dev.fleetq.coordinator.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;

/**
 * Sends records through the coordinator's shared producer and waits, bounded, until Kafka has
 * acknowledged each one: the coordinator records a fact in Redis only after Kafka holds it.
 *
 * <p>Thread-safe, like the producer it wraps.
 */
public final class Sender {
  /** Time beyond the producer's own delivery timeout, so its verdict arrives before ours. */
  private static final Duration MARGIN = Duration.ofSeconds(5);

  private final Producer<byte[], byte[]> producer;
  private final Duration timeout;

  /**
   * @param producer an idempotent producer of byte keys and values
   * @param deliveryTimeout the producer's {@code delivery.timeout.ms}
   */
  public Sender(Producer<byte[], byte[]> producer, Duration deliveryTimeout) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.timeout = deliveryTimeout.plus(MARGIN);
  }

  /**
   * Sends one record and waits until it is acknowledged.
   *
   * @param key the record key as text, or null
   * @throws TransientFailure when Kafka did not acknowledge it in time or refused it for a reason
   *     that may pass
   * @throws IllegalStateException when Kafka refused it for good, such as a record too large
   * @throws CancellationException when the calling thread was interrupted
   */
  public RecordMetadata send(String topic, String key, byte[] value, List<Header> headers) {
    byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    return sendBytes(topic, keyBytes, value, headers);
  }

  /** Sends one record whose key is already bytes, such as a dead-lettered record's original key. */
  public RecordMetadata sendBytes(String topic, byte[] key, byte[] value, List<Header> headers) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, key, value, headers);
    try {
      return producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CancellationException cancelled =
          new CancellationException("interrupted while sending to " + topic);
      cancelled.initCause(e);
      throw cancelled;
    } catch (TimeoutException e) {
      throw new TransientFailure("no acknowledgement from " + topic + " within " + timeout, e);
    } catch (ExecutionException e) {
      throw classify(topic, e.getCause());
    } catch (org.apache.kafka.common.KafkaException e) {
      // send() itself throws when metadata does not arrive within max.block.ms.
      throw classify(topic, e);
    }
  }

  private static RuntimeException classify(String topic, Throwable cause) {
    String message = "cannot send to " + topic + ": " + cause;
    if (cause instanceof RetriableException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new TransientFailure(message, cause);
    }
    return new IllegalStateException(message, cause);
  }
}
