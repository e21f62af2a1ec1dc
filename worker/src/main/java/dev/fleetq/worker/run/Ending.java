package dev.fleetq.worker.run;

import dev.fleetq.model.unit.Reason;
import java.util.Objects;

/**
 * How a unit attempt ended, as the attempt itself saw it: pushed, superseded before any work (main
 * already passes its target tests), or failed with a reason and a detail for the {@code RETRYING}
 * event. Immutable.
 *
 * @param reason why it failed, or null when it was pushed or superseded
 * @param detail what a person needs to know, or null
 * @param superseded whether main already did the unit's work, so no agent ran
 */
record Ending(Reason reason, String detail, boolean superseded) {

  static Ending pushed() {
    return new Ending(null, null, false);
  }

  static Ending superseded(String detail) {
    return new Ending(null, Objects.requireNonNull(detail, "detail"), true);
  }

  static Ending failed(Reason reason, String detail) {
    return new Ending(Objects.requireNonNull(reason, "reason"), detail, false);
  }

  boolean isPushed() {
    return reason == null && !superseded;
  }
}
