package dev.fleetq.model.wire;

import java.nio.file.FileSystems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The checks that the wire records run in their compact constructors, each throwing an {@link
 * InvalidMessageException} that names the field and says what is wrong.
 *
 * <p>It is public only because the records live in several packages of this module; other modules
 * validate their own configuration with their own code. Text lengths are counted in Unicode code
 * points, like JSON Schema's {@code maxLength}. Stateless and thread-safe.
 */
public final class Check {

  /**
   * A git branch name as {@code git check-ref-format --branch} accepts it; the JSON Schema uses it
   * too.
   */
  static final Pattern BRANCH =
      Pattern.compile(
          "(?!-)(?!/)(?!\\.)(?!.*\\.\\.)(?!.*//)(?!.*/\\.)(?!.*@\\{)(?!@$)(?!.*\\.lock(/|$))(?!.*[/.]$)"
              + "[^\\x00-\\x20~^:?*\\[\\\\\\x7f]+");

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final int QUOTE_CHARS = 80;

  private Check() {}

  /** Returns the value, or fails with {@code is required} when it is null. */
  public static <T> T requireNonNull(String field, T value) {
    if (value == null) {
      throw new InvalidMessageException(field, "is required");
    }
    return value;
  }

  /** Returns the text when it is present, not blank and at most {@code maxChars} long. */
  public static String requireText(String field, String value, int maxChars) {
    requireNonNull(field, value);
    if (value.isEmpty()) {
      throw new InvalidMessageException(field, "must not be empty");
    }
    if (value.isBlank()) {
      throw new InvalidMessageException(field, "must not be blank");
    }
    return optionalText(field, value, maxChars);
  }

  /** Returns the text, which may be null, when it is at most {@code maxChars} long. */
  public static String optionalText(String field, String value, int maxChars) {
    if (value != null && value.length() > maxChars) {
      int chars = value.codePointCount(0, value.length());
      if (chars > maxChars) {
        throw new InvalidMessageException(
            field, chars + " characters exceeds the limit of " + maxChars);
      }
    }
    return value;
  }

  /** Returns a shell command: present, not blank, at most {@link Limits#MAX_COMMAND_CHARS} long. */
  public static String requireCommand(String field, String value) {
    return requireText(field, value, Limits.MAX_COMMAND_CHARS);
  }

  /** Returns the value when it lies between {@code min} and {@code max}, both included. */
  public static int requireRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidMessageException(
          field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** Returns the value when it is at least {@code min}. */
  public static int requireAtLeast(String field, int value, int min) {
    if (value < min) {
      throw new InvalidMessageException(field, "must be at least " + min + ", got " + value);
    }
    return value;
  }

  /** Returns a timeout: present, positive and at most {@link Limits#MAX_TIMEOUT}. */
  public static Duration requireTimeout(String field, Duration value) {
    requireNonNull(field, value);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidMessageException(field, "must be positive, got " + value);
    }
    if (value.compareTo(Limits.MAX_TIMEOUT) > 0) {
      throw new InvalidMessageException(
          field, value + " exceeds the limit of " + Limits.MAX_TIMEOUT);
    }
    return value;
  }

  /**
   * Returns an immutable copy of the list, empty when it is null, after checking that it has at
   * most {@code maxEntries} entries and no null entry.
   */
  public static <T> List<T> list(String field, List<T> values, int maxEntries) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > maxEntries) {
      throw new InvalidMessageException(
          field, values.size() + " entries exceeds the limit of " + maxEntries);
    }
    for (int i = 0; i < values.size(); i++) {
      requireNonNull(field + "[" + i + "]", values.get(i));
    }
    return List.copyOf(values);
  }

  /**
   * Returns an immutable copy of a list of texts, empty when it is null; each entry must be
   * present, not blank, and at most {@link Limits#MAX_ENTRY_CHARS} long.
   */
  public static List<String> texts(String field, List<String> values) {
    List<String> copy = list(field, values, Limits.MAX_LIST_ENTRIES);
    for (int i = 0; i < copy.size(); i++) {
      requireText(field + "[" + i + "]", copy.get(i), Limits.MAX_ENTRY_CHARS);
    }
    return copy;
  }

  /**
   * Returns an immutable copy of a list of path globs, empty when it is null. Each must compile as
   * a {@code glob:} pattern and stay inside the repository: relative, with no {@code ..} segment.
   */
  public static List<String> globs(String field, List<String> values) {
    List<String> copy = texts(field, values);
    List<String> checked = new ArrayList<>(copy.size());
    for (int i = 0; i < copy.size(); i++) {
      checked.add(requireGlob(field + "[" + i + "]", copy.get(i)));
    }
    return List.copyOf(checked);
  }

  /** Returns a git branch name that {@code git check-ref-format --branch} would accept. */
  public static String requireBranch(String field, String value) {
    requireText(field, value, Limits.MAX_BRANCH_CHARS);
    if (!BRANCH.matcher(value).matches()) {
      throw new InvalidMessageException(
          field,
          "must be a valid git branch name (no spaces, '..', or any of ~^:?*[\\, not starting with"
              + " '-'), got "
              + quote(value));
    }
    return value;
  }

  /** Returns a full commit id: 40 lowercase hexadecimal characters. */
  public static String requireCommit(String field, String value) {
    requireNonNull(field, value);
    if (!COMMIT.matcher(value).matches()) {
      throw new InvalidMessageException(
          field, "must be a commit id of 40 lowercase hex characters, got " + quote(value));
    }
    return value;
  }

  /** Quotes a value for an error message, shortened when it is long. */
  public static String quote(String value) {
    if (value.length() <= QUOTE_CHARS) {
      return "'" + value + "'";
    }
    return "'" + value.substring(0, QUOTE_CHARS) + "...' (" + value.length() + " characters)";
  }

  private static String requireGlob(String field, String glob) {
    if (glob.startsWith("/")) {
      throw new InvalidMessageException(
          field, "must be relative to the repository root, got " + quote(glob));
    }
    for (String segment : glob.split("/", -1)) {
      if (segment.equals("..")) {
        throw new InvalidMessageException(
            field, "must stay inside the repository (no '..' segment), got " + quote(glob));
      }
    }
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (PatternSyntaxException e) {
      throw new InvalidMessageException(
          field, "is not a valid glob (" + e.getDescription() + "), got " + quote(glob));
    }
    return glob;
  }
}
