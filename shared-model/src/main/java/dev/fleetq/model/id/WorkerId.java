package dev.fleetq.model.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The id of a worker process, chosen when it starts; it appears in events, heartbeats and commit
 * trailers. On the wire it is a plain string of 1 to 128 letters, digits, {@code .}, {@code _} or
 * {@code -}, starting with a letter or digit, so it is safe in Kafka and Redis keys, branch names
 * and file names.
 *
 * @param value the id as written on the wire
 */
public record WorkerId(@JsonValue String value) {

  /** Checks the id's shape. */
  public WorkerId {
    IdFormat.check("worker id", value);
  }

  /**
   * Reads an id from its wire form.
   *
   * @throws dev.fleetq.model.wire.InvalidMessageException if it is not a well-formed id
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static WorkerId parse(String value) {
    return new WorkerId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
