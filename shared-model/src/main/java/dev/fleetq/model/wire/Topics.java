package dev.fleetq.model.wire;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of fleetq's Kafka topics and of the workers' share group, all derived from one prefix
 * so that a test or a second installation on the same cluster can use its own set.
 *
 * @param prefix prepended to every topic name, such as {@code fleetq.}; may be empty
 */
public record Topics(String prefix) {

  /** Kafka allows 249 characters; the longest suffix is {@code events}. */
  private static final int MAX_PREFIX_CHARS = 200;

  /** Declared before {@link #DEFAULT}, whose construction uses it. */
  private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]*");

  /** The prefix of a standard installation. */
  public static final String DEFAULT_PREFIX = "fleetq.";

  /** The share group through which the workers of a standard installation take units. */
  public static final String WORKER_SHARE_GROUP = "fleetq-workers";

  /** The executors' share group on {@link #suites()}, for the standard prefix. */
  public static final String EXECUTOR_SHARE_GROUP = "fleetq-executors";

  /** The topics of a standard installation. */
  public static final Topics DEFAULT = new Topics(DEFAULT_PREFIX);

  /**
   * Checks that every name derived from the prefix is a legal Kafka topic name.
   *
   * @throws IllegalArgumentException if it is not
   */
  public Topics {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.length() > MAX_PREFIX_CHARS || !LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix must be at most "
              + MAX_PREFIX_CHARS
              + " letters, digits, '.', '_' or '-', got '"
              + prefix
              + "'");
    }
  }

  /** Submitted jobs, keyed by job id. */
  public String jobs() {
    return prefix + "jobs";
  }

  /** Work units for the workers, keyed by unit key. */
  public String units() {
    return prefix + "units";
  }

  /** Unit and job events, keyed by job id. */
  public String events() {
    return prefix + "events";
  }

  /** Gate requests, keyed by repository id so that one gate owns each repository. */
  public String gate() {
    return prefix + "gate";
  }

  /** Rejected messages with their error, keyed by the original key. */
  public String dlq() {
    return prefix + "dlq";
  }

  /** Suite runs for the executors ({@code SuiteRequest}), keyed by run id. */
  public String suites() {
    return prefix + "suites";
  }

  /** What the executors found ({@code SuiteResult}), keyed by run id. */
  public String suiteResults() {
    return prefix + "suite-results";
  }

  /** Every topic, for creating them. */
  public List<String> all() {
    return List.of(jobs(), units(), events(), gate(), dlq(), suites(), suiteResults());
  }

  /**
   * The workers' share group: {@value #WORKER_SHARE_GROUP} for the standard prefix, so a standard
   * installation keeps the documented name, and the prefix followed by that name for any other
   * prefix.
   */
  public String workerShareGroup() {
    return prefix.equals(DEFAULT_PREFIX) ? WORKER_SHARE_GROUP : prefix + WORKER_SHARE_GROUP;
  }

  /** The executors' share group on {@link #suites()}, named as {@link #workerShareGroup()} is. */
  public String executorShareGroup() {
    return prefix.equals(DEFAULT_PREFIX) ? EXECUTOR_SHARE_GROUP : prefix + EXECUTOR_SHARE_GROUP;
  }
}
