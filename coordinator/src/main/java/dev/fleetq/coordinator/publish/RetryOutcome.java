package dev.fleetq.coordinator.publish;

/** What {@link UnitPublisher#retry} did. */
public enum RetryOutcome {
  /** The next attempt is published. */
  REPUBLISHED,
  /** The unit failed for good: its attempts are used up or the reason is not retryable. */
  FAILED,
  /** The failure belongs to an attempt that was already retried or superseded; nothing was done. */
  ALREADY_HANDLED,
  /** No attempt of the unit was ever published by this installation; nothing was done. */
  UNKNOWN_UNIT
}
