package dev.fleetq.worker.run;

import dev.fleetq.model.unit.Reason;
import java.util.Objects;

/**
 * How a unit attempt ended, as the attempt itself saw it: pushed, or failed with a reason and a
 * detail for the {@code RETRYING} event. Immutable.
 *
 * @param reason why it failed, or null when it was pushed
 * @param detail what a person needs to know, or null
 */
record Ending(Reason reason, String detail) {

  static Ending pushed() {
    return new Ending(null, null);
  }

  static Ending failed(Reason reason, String detail) {
    return new Ending(Objects.requireNonNull(reason, "reason"), detail);
  }

  boolean isPushed() {
    return reason == null;
  }
}
