package dev.fleetq.model.suite;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * How one test ended, as a JUnit XML report tells it. The planner makes one work unit per failing
 * test, and the gate compares these per test against its baseline, so the id must be stable from
 * one run of the suite to the next.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the stable test id, {@code classname#name}; when a report gives no class name, the name
 *     of the enclosing suite takes its place, and when there is no suite name either the id is the
 *     bare test name. Runs of whitespace are collapsed to one space.
 * @param status how the test ended
 * @param message for a test that did not pass, the report's message followed by the first {@value
 *     #MAX_DETAILS_CHARS} characters of its details (usually a stack trace); {@code null} for a
 *     passed test, and for a test whose report carries no text at all
 * @param time how long the test ran; {@link Duration#ZERO} when the report does not say
 */
public record TestResult(
    @JsonProperty("id") String id,
    @JsonProperty("status") Status status,
    @JsonProperty("message") String message,
    @JsonProperty("time") Duration time) {
  /** How much of a failure's details (stack trace, captured output) a result keeps. */
  public static final int MAX_DETAILS_CHARS = 4096;

  /** How a test ended. */
  public enum Status {
    /** It ran and passed, possibly after failed reruns that the report marks as flaky. */
    PASSED,
    /** An assertion failed. */
    FAILED,
    /** It could not run to an assertion: an unexpected exception, a setup error, a build error. */
    ERROR,
    /** It was skipped or disabled, or was an expected failure. */
    SKIPPED;

    /** Whether the planner should treat the test as broken: it failed or errored. */
    public boolean isFailing() {
      return this == FAILED || this == ERROR;
    }
  }

  public TestResult {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("test id must not be blank");
    }
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(time, "time");
    if (time.isNegative()) {
      throw new IllegalArgumentException("time of " + id + " must not be negative, got " + time);
    }
    if (status == Status.PASSED && message != null) {
      throw new IllegalArgumentException("passed test " + id + " must not carry a message");
    }
  }
}
