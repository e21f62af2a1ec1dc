package dev.fleetq.model.wire;

/**
 * A message or record that fleetq refuses, with the JSON path of the offending field and a sentence
 * saying what is wrong with it.
 *
 * <p>This is the only exception the codec throws when it decodes, and the one every record's
 * constructor throws when a value is out of bounds, so a consumer handles bad input in exactly one
 * place (for example by sending it to the dead-letter topic). It is a permanent failure: retrying
 * the same input fails the same way. The message reads {@code path: problem}, for example {@code
 * plan.units[2].id: is required}; the path is {@code $} when the whole document is at fault.
 */
public final class InvalidMessageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * The path that stands for the whole document, or for the value itself when it is a single value.
   */
  public static final String ROOT = "$";

  private final String path;
  private final String problem;
  private final String otherPath;

  /**
   * Creates the exception for one field.
   *
   * @param path the field's path relative to the record being built, or {@link #ROOT}
   * @param problem what is wrong, as a sentence fragment a person understands
   */
  public InvalidMessageException(String path, String problem) {
    this(path, problem, null, null);
  }

  /**
   * Creates the exception for a field that clashes with another one, such as a duplicate id.
   *
   * @param path the field's path relative to the record being built
   * @param problem what is wrong
   * @param otherPath the path of the field it clashes with, relative to the same record; the
   *     message appends {@code (also at otherPath)}
   */
  public InvalidMessageException(String path, String problem, String otherPath) {
    this(path, problem, otherPath, null);
  }

  InvalidMessageException(String path, String problem, String otherPath, Throwable cause) {
    super(render(path, problem, otherPath), cause);
    this.path = path;
    this.problem = problem;
    this.otherPath = otherPath;
  }

  /**
   * The JSON path of the offending field in dotted form with indices, such as {@code
   * agent.timeout}.
   */
  public String path() {
    return path;
  }

  /** What is wrong with the field, without the path. */
  public String problem() {
    return otherPath == null ? problem : problem + " (also at " + otherPath + ")";
  }

  /**
   * The same problem seen from an enclosing document in which the failing record sits at {@code
   * prefix}.
   */
  InvalidMessageException under(String prefix) {
    String other = otherPath == null ? null : join(prefix, otherPath);
    return new InvalidMessageException(join(prefix, path), problem, other, this);
  }

  /**
   * Joins a path and a path relative to it: {@code plan} and {@code units[0]} give {@code
   * plan.units[0]}.
   */
  static String join(String prefix, String relative) {
    if (prefix == null || prefix.isEmpty() || prefix.equals(ROOT)) {
      return relative;
    }
    if (relative == null || relative.isEmpty() || relative.equals(ROOT)) {
      return prefix;
    }
    return relative.startsWith("[") ? prefix + relative : prefix + "." + relative;
  }

  private static String render(String path, String problem, String otherPath) {
    String full = otherPath == null ? problem : problem + " (also at " + otherPath + ")";
    return path + ": " + full;
  }
}
