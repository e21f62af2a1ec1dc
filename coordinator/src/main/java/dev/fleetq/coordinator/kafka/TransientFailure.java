package dev.fleetq.coordinator.kafka;

/**
 * A call to Kafka failed in a way that may succeed later: the broker is unreachable, a send was not
 * acknowledged in time, a partition has no leader yet. Consumers retry the record that caused it
 * after a back-off instead of dead-lettering it; retry policy looks only at this type.
 */
public final class TransientFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransientFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
