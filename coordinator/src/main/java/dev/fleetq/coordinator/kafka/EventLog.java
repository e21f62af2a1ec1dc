package dev.fleetq.coordinator.kafka;

import dev.fleetq.model.unit.Event;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code UnitEvent}s and {@code JobEvent}s to the events topic, keyed by job id so that a
 * job's events keep their order. Every call returns once Kafka has acknowledged the event.
 *
 * <p>Thread-safe.
 */
public final class EventLog {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);

  private final Sender sender;
  private final String topic;

  public EventLog(Sender sender, Topics topics) {
    this.sender = Objects.requireNonNull(sender, "sender");
    this.topic = topics.events();
  }

  /**
   * Appends one event and waits for the acknowledgement.
   *
   * @throws TransientFailure when Kafka did not acknowledge it in time
   */
  public void emit(Event event) {
    sender.send(topic, event.jobId().value(), Json.encode(event), List.of());
    log.debug("Emitted {}", event);
  }
}
