package dev.fleetq.coordinator.kafka;

import dev.fleetq.model.wire.Limits;

/**
 * Cuts free text, such as an event's detail or a dead letter's error, to what a message may carry.
 * The start is kept and the end replaced by a line saying where it was cut: in a long list of
 * failures, the end matters least. Lengths count UTF-16 units, never fewer than the code points
 * {@link Limits} counts, and a cut never splits a surrogate pair.
 *
 * <p>Stateless and thread-safe.
 */
public final class Details {
  private Details() {}

  /** The text within {@link Limits#MAX_DETAIL_CHARS}, the bound on every event's detail. */
  public static String clip(String text) {
    return clip(text, Limits.MAX_DETAIL_CHARS);
  }

  /**
   * The text within {@code maxChars}; null stays null.
   *
   * @param maxChars at least 1
   */
  public static String clip(String text, int maxChars) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    String marker = "\n… (cut at " + maxChars + " characters)";
    if (marker.length() >= maxChars) {
      return keep(text, maxChars);
    }
    return keep(text, maxChars - marker.length()) + marker;
  }

  private static String keep(String text, int chars) {
    int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
    return text.substring(0, end);
  }
}
