package dev.fleetq.model.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;

/**
 * The key of one unit across all jobs: the Kafka key of the units topic and the name of the unit's
 * lease and state in Redis. On the wire it is {@code jobId/unitId}; ids never contain {@code /}, so
 * the form is unambiguous.
 *
 * @param job the unit's job
 * @param unit the unit within the job
 */
public record UnitKey(JobId job, UnitId unit) {

  /** Checks that both parts are present. */
  public UnitKey {
    Check.requireNonNull("job", job);
    Check.requireNonNull("unit", unit);
  }

  /**
   * Reads a key from its wire form {@code jobId/unitId}.
   *
   * @throws InvalidMessageException if it does not have that form
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static UnitKey parse(String value) {
    Check.requireNonNull(InvalidMessageException.ROOT, value);
    int slash = value.indexOf('/');
    if (slash < 0 || slash != value.lastIndexOf('/')) {
      throw new InvalidMessageException(
          InvalidMessageException.ROOT,
          "unit key must have the form jobId/unitId, got " + Check.quote(value));
    }
    return new UnitKey(
        JobId.parse(value.substring(0, slash)), UnitId.parse(value.substring(slash + 1)));
  }

  /** The wire form, {@code jobId/unitId}. */
  @JsonValue
  public String value() {
    return job + "/" + unit;
  }

  @Override
  public String toString() {
    return value();
  }
}
