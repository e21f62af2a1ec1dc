package dev.fleetq.model.id;

import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Limits;
import java.util.regex.Pattern;

/**
 * The shape every fleetq id shares: safe in a Kafka key, a Redis key, a git branch name and a file
 * name. Stateless and thread-safe.
 */
final class IdFormat {

  static final Pattern ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (Limits.MAX_ID_CHARS - 1) + "}");

  private IdFormat() {}

  /** Returns the value if it is a well-formed id, or says what is wrong with it. */
  static String check(String kind, String value) {
    String field = InvalidMessageException.ROOT;
    if (value == null) {
      throw new InvalidMessageException(field, "is required");
    }
    if (value.isEmpty()) {
      throw new InvalidMessageException(field, "must not be empty");
    }
    if (!ID.matcher(value).matches()) {
      throw new InvalidMessageException(
          field,
          kind
              + " must be 1 to "
              + Limits.MAX_ID_CHARS
              + " letters, digits, '.', '_' or '-', starting with a letter or digit, got "
              + Check.quote(value));
    }
    return value;
  }
}
