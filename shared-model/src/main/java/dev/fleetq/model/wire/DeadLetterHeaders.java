package dev.fleetq.model.wire;

/**
 * The headers a dead-lettered record carries on the dead-letter topic, next to its original key and
 * bytes, so that a person (or a tool that replays it) sees what was wrong and where it came from.
 */
public final class DeadLetterHeaders {
  /** The error, as a person reads it, such as {@code plan.testCommand: must not be empty}. */
  public static final String ERROR = "fleetq.error";

  /** The JSON path of the bad field, or {@code $} for the whole record. */
  public static final String ERROR_PATH = "fleetq.error.path";

  /** Which component rejected it, such as {@code coordinator.intake}. */
  public static final String REJECTED_BY = "fleetq.rejected.by";

  /** The topic the record was read from. */
  public static final String SOURCE_TOPIC = "fleetq.source.topic";

  /** The partition the record was read from, in decimal. */
  public static final String SOURCE_PARTITION = "fleetq.source.partition";

  /** The offset the record was read from, in decimal. */
  public static final String SOURCE_OFFSET = "fleetq.source.offset";

  private DeadLetterHeaders() {}
}
