package dev.fleetq.model.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The id of a unit within its job, unique within the job; chosen by the user or the planner. On the
 * wire it is a plain string of 1 to 128 letters, digits, {@code .}, {@code _} or {@code -},
 * starting with a letter or digit, so it is safe in Kafka and Redis keys, branch names and file
 * names.
 *
 * @param value the id as written on the wire
 */
public record UnitId(@JsonValue String value) {

  /** Checks the id's shape. */
  public UnitId {
    IdFormat.check("unit id", value);
  }

  /**
   * Reads an id from its wire form.
   *
   * @throws dev.fleetq.model.wire.InvalidMessageException if it is not a well-formed id
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static UnitId parse(String value) {
    return new UnitId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
