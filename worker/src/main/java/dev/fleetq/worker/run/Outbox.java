package dev.fleetq.worker.run;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Limits;
import dev.fleetq.model.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * What a worker writes to Kafka about its units: unit events on the events topic, keyed by job id
 * so that a job's events stay in order, and gate requests on the gate topic, keyed by repository
 * id. Each send is awaited, bounded, so that an event is on the log before the worker goes on.
 *
 * <p>Thread-safe: the producer is, and slots send concurrently.
 */
public final class Outbox {
  private final Producer<byte[], byte[]> producer;
  private final Topics topics;
  private final WorkerId worker;
  private final Clock clock;
  private final Duration timeout;

  /**
   * @param producer the worker's producer
   * @param topics where events and gate requests go
   * @param worker the worker every event names
   * @param clock when events happen
   * @param timeout the bound on each send
   */
  public Outbox(
      Producer<byte[], byte[]> producer,
      Topics topics,
      WorkerId worker,
      Clock clock,
      Duration timeout) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Emits that this worker moved {@code unit}'s attempt to {@code status}.
   *
   * @param reason why the attempt ended, or null
   * @param detail what a person needs to know, or null; its tail is kept if it is too long
   * @throws KafkaException if the broker did not take it in time
   */
  void event(WorkUnit unit, UnitStatus status, Reason reason, String detail) {
    UnitEvent event =
        new UnitEvent(
            unit.jobId(),
            unit.unitId(),
            unit.attempt(),
            status,
            worker,
            reason,
            tail(detail, Limits.MAX_DETAIL_CHARS),
            clock.instant());
    send(topics.events(), unit.jobId().value(), Json.encode(event), status + " of " + unit.key());
  }

  /**
   * Asks the gate to land a pushed candidate.
   *
   * @throws KafkaException if the broker did not take it in time
   */
  void gateRequest(GateRequest request) {
    send(
        topics.gate(),
        request.repoId().value(),
        Json.encode(request),
        "the gate request of " + request.key());
  }

  /** The moment, by this worker's clock, for records that carry one. */
  Instant now() {
    return clock.instant();
  }

  private void send(String topic, String key, byte[] value, String what) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    try {
      producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while sending " + what, e);
    } catch (ExecutionException e) {
      throw new KafkaException("could not send " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("could not send " + what + " within " + timeout, e);
    }
  }

  /** The last {@code max} characters of {@code text}, marked as cut when it was longer. */
  static String tail(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    String marker = "[…] ";
    return marker + text.substring(text.length() - (max - marker.length()));
  }
}
