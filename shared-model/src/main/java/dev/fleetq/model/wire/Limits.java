package dev.fleetq.model.wire;

import java.time.Duration;

/**
 * The size limits every fleetq message obeys, in one place so that the codec, the records, the JSON
 * Schema and the documentation agree.
 *
 * <p>They exist so that one oversized or careless message cannot exhaust a consumer's memory, a
 * Kafka record, or an agent's context window. Text limits count Unicode code points, as JSON
 * Schema's {@code maxLength} does.
 */
public final class Limits {

  /**
   * The largest message the codec decodes, in bytes (16 MiB); anything bigger is refused unread.
   */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  /** The longest id: job, unit, worker and repository ids. */
  public static final int MAX_ID_CHARS = 128;

  /** The longest prompt of one unit (64 KiB). */
  public static final int MAX_PROMPT_CHARS = 65_536;

  /**
   * The longest free text attached to an event or a retry: a failure detail or a previous failure.
   */
  public static final int MAX_DETAIL_CHARS = 65_536;

  /** The longest unit title. */
  public static final int MAX_TITLE_CHARS = 200;

  /** The longest shell command (8 KiB). */
  public static final int MAX_COMMAND_CHARS = 8_192;

  /** The most units one job may have. */
  public static final int MAX_UNITS_PER_JOB = 5_000;

  /** The most entries in any other list: globs, target tests, environment names, test names. */
  public static final int MAX_LIST_ENTRIES = 1_000;

  /** The longest path glob, test name or other list entry. */
  public static final int MAX_ENTRY_CHARS = 1_024;

  /** The longest repository URL. */
  public static final int MAX_URL_CHARS = 2_048;

  /** The longest git branch name. */
  public static final int MAX_BRANCH_CHARS = 255;

  /** The longest container image reference. */
  public static final int MAX_IMAGE_CHARS = 255;

  /** The longest network name an agent may ask for. */
  public static final int MAX_NETWORK_CHARS = 64;

  /** The most labels on one job. */
  public static final int MAX_LABELS = 32;

  /** The longest label value. */
  public static final int MAX_LABEL_VALUE_CHARS = 256;

  /** The longest timeout of any command: one day. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  /** The lowest job priority. */
  public static final int MIN_PRIORITY = -100;

  /** The highest job priority. */
  public static final int MAX_PRIORITY = 100;

  /** The most attempts a unit may be given. */
  public static final int MAX_ATTEMPTS = 20;

  private Limits() {}
}
