package dev.fleetq.model.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;

/**
 * Why one attempt at a unit ended without landing.
 *
 * @param attempt the attempt, from 1
 * @param reason the classified cause
 * @param detail what a person needs to know, such as the broken tests; may be null
 */
public record AttemptFailure(
    @JsonProperty("attempt") int attempt,
    @JsonProperty("reason") Reason reason,
    @JsonProperty("detail") String detail) {

  /** Checks every field. */
  public AttemptFailure {
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("reason", reason);
    Check.optionalText("detail", detail, Limits.MAX_DETAIL_CHARS);
  }
}
