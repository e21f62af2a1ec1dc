package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.DeadLetterHeaders;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Limits;
import dev.fleetq.model.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * What the gate writes to Kafka: the unit events of its decisions, keyed by job id, and the
 * requests it cannot read, on the dead-letter topic. Every send waits, bounded, for the broker's
 * acknowledgement, so a request's offset is committed only after its events are durable.
 *
 * <p>Thread-safe: the producer is.
 */
final class GateEvents {
  static final String REJECTED_BY = "coordinator.gate";

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final Duration sendTimeout;
  private final Clock clock;

  GateEvents(Producer<String, byte[]> producer, Topics topics, Duration sendTimeout, Clock clock) {
    this.producer = producer;
    this.topics = topics;
    this.sendTimeout = sendTimeout;
    this.clock = clock;
  }

  /** Emits a unit event about the request's attempt. */
  void emit(GateRequest request, UnitStatus status, Reason reason, String detail) {
    UnitEvent event =
        new UnitEvent(
            request.jobId(),
            request.unitId(),
            request.attempt(),
            status,
            request.worker(),
            reason,
            clip(detail),
            clock.instant());
    send(
        new ProducerRecord<>(topics.events(), request.jobId().value(), Json.encode(event)),
        "the " + status + " event of " + request.key());
  }

  /** Sends a record the gate cannot use to the dead-letter topic, with the error in its headers. */
  void deadLetter(ConsumerRecord<String, byte[]> record, String error, String path) {
    ProducerRecord<String, byte[]> letter =
        new ProducerRecord<>(topics.dlq(), record.key(), record.value());
    Headers headers = letter.headers();
    header(headers, DeadLetterHeaders.ERROR, error);
    header(headers, DeadLetterHeaders.ERROR_PATH, path);
    header(headers, DeadLetterHeaders.REJECTED_BY, REJECTED_BY);
    header(headers, DeadLetterHeaders.SOURCE_TOPIC, record.topic());
    header(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(record.partition()));
    header(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(record.offset()));
    send(letter, "the dead letter of offset " + record.offset());
  }

  private void send(ProducerRecord<String, byte[]> record, String what) {
    try {
      producer.send(record).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the broker refused " + what, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the broker did not acknowledge " + what + " within " + sendTimeout, e);
    }
  }

  private static void header(Headers headers, String name, String value) {
    if (value != null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Details are bounded by the wire format; the end of a long list matters least. */
  static String clip(String detail) {
    if (detail == null || detail.length() <= Limits.MAX_DETAIL_CHARS) {
      return detail;
    }
    String marker = "\n… (cut at " + Limits.MAX_DETAIL_CHARS + " characters)";
    return detail.substring(0, Limits.MAX_DETAIL_CHARS - marker.length()) + marker;
  }
}
