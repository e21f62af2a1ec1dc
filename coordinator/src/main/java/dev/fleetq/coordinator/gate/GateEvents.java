package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.Details;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.InvalidMessageException;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the gate writes to Kafka, through the coordinator's {@link EventLog} and {@link
 * DeadLetters}: the unit events of its decisions about a request's attempt, and the records it
 * cannot use. Every call returns once the broker has acknowledged, so a request's offset is
 * committed only after its events are durable.
 *
 * <p>Thread-safe.
 */
final class GateEvents {
  /** The gate's name in the dead-letter header {@code fleetq.rejected.by}. */
  static final String REJECTED_BY = "coordinator.gate";

  private final EventLog events;
  private final DeadLetters deadLetters;
  private final Clock clock;

  GateEvents(EventLog events, DeadLetters deadLetters, Clock clock) {
    this.events = events;
    this.deadLetters = deadLetters;
    this.clock = clock;
  }

  /** Emits a unit event about the request's attempt; a long detail is clipped. */
  void emit(GateRequest request, UnitStatus status, Reason reason, String detail) {
    emit(request, status, reason, detail, List.of());
  }

  /** Emits a unit event about the request's attempt that names {@code tests}. */
  void emit(
      GateRequest request, UnitStatus status, Reason reason, String detail, List<String> tests) {
    events.emit(
        new UnitEvent(
            request.jobId(),
            request.unitId(),
            request.attempt(),
            status,
            request.worker(),
            reason,
            Details.clip(detail),
            clock.instant(),
            tests));
  }

  /** Dead-letters a record that is not a valid request, naming the bad field. */
  void deadLetter(ConsumerRecord<byte[], byte[]> record, InvalidMessageException error) {
    deadLetters.reject(record, error, REJECTED_BY);
  }

  /** Dead-letters a request the gate could not decide. */
  void deadLetter(ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
    deadLetters.reject(record, error, REJECTED_BY);
  }
}
