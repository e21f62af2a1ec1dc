package dev.fleetq.coordinator.reap;

import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.UnitStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * A unit first seen at {@code since} in a state that may mean it has been abandoned (a free lease),
 * in this status and attempt. Immutable.
 */
record Suspect(UnitStatus status, int attempt, Instant since) {

  /** {@code seen} if it still describes the unit, otherwise a new suspect from {@code now}. */
  static Suspect continuing(Suspect seen, UnitState unit, Instant now) {
    return seen != null && seen.matches(unit)
        ? seen
        : new Suspect(unit.status(), unit.attempt(), now);
  }

  boolean matches(UnitState unit) {
    return unit.status() == status && unit.attempt() == attempt;
  }

  boolean outlived(Duration grace, Instant now) {
    return Duration.between(since, now).compareTo(grace) >= 0;
  }
}
