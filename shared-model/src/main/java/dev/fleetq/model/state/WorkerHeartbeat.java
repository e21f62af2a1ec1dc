package dev.fleetq.model.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.wire.Check;
import java.time.Instant;
import java.util.List;

/**
 * A worker's sign of life, renewed every few seconds under a key that expires when it stops.
 *
 * @param worker the worker
 * @param slots how many units it can work on at once; 0 for an executor, which runs suites only
 * @param units the units it is working on now
 * @param version the fleetq version it runs
 * @param at when it was written
 */
public record WorkerHeartbeat(
    @JsonProperty("worker") WorkerId worker,
    @JsonProperty("slots") int slots,
    @JsonProperty("units") List<UnitKey> units,
    @JsonProperty("version") String version,
    @JsonProperty("at") Instant at) {

  /** Checks every field and copies the units. */
  public WorkerHeartbeat {
    Check.requireNonNull("worker", worker);
    Check.requireAtLeast("slots", slots, 0);
    units = units == null ? List.of() : List.copyOf(units);
    Check.requireNonNull("at", at);
  }
}
