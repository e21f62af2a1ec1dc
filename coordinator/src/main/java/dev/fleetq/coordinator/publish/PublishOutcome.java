package dev.fleetq.coordinator.publish;

/** What {@link UnitPublisher#publish} did. */
public enum PublishOutcome {
  /** The attempt is on the units topic and its {@code PUBLISHED} event is on the events topic. */
  PUBLISHED,
  /** The unit's fence is already above this attempt; nothing was sent. */
  STALE
}
