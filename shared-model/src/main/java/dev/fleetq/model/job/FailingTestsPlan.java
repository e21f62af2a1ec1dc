package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.wire.Check;
import java.time.Duration;
import java.util.List;

/**
 * A plan that runs the test command once and makes one unit per group of failing tests (by default
 * the tests that fail the same way); the tests that pass become the gate's first baseline.
 *
 * @param testCommand the command that runs the tests, through {@code /bin/sh -c} at the repository
 *     root
 * @param reportGlobs where the command leaves its JUnit XML reports; {@link
 *     GateSpec#DEFAULT_REPORT_GLOBS} when absent, never empty
 * @param timeout how long the command may run; {@link GateSpec#DEFAULT_TIMEOUT} when absent
 * @param groupBy which failing tests share one unit; {@link #DEFAULT_GROUP_BY} when absent
 */
public record FailingTestsPlan(
    @JsonProperty("testCommand") String testCommand,
    @JsonProperty("reportGlobs") List<String> reportGlobs,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("groupBy") GroupBy groupBy)
    implements Plan {

  /** The plan's {@code kind} on the wire. */
  public static final String KIND = "failing-tests";

  /**
   * The default {@link #groupBy()}: on a real suite (load-tests/real-suite/README.md, "Grouping
   * failing tests by signature") it made one unit of 56 tests that one bug broke, and kept four
   * independent root causes apart.
   */
  public static final GroupBy DEFAULT_GROUP_BY = GroupBy.SIGNATURE;

  /** Which failing tests become one unit, whose targets they all are. */
  public enum GroupBy {
    /** One unit per failing test. */
    @JsonProperty("test")
    TEST,
    /**
     * One unit per failure signature: the exception type and the innermost stack frame in the
     * project's code, or, for an error that the test itself raised and that is not an assertion,
     * the exception type and the normalized message; a test whose assertion failed in its own code
     * is a signature of its own.
     */
    @JsonProperty("signature")
    SIGNATURE,
    /** One unit per test class: the part of the test id before {@code #}. */
    @JsonProperty("class")
    CLASS,
    /** One unit per test file: the test class without its nested classes ({@code $...}). */
    @JsonProperty("file")
    FILE
  }

  /** Checks the command, globs and timeout, and fills in the defaults. */
  public FailingTestsPlan {
    Check.requireCommand("testCommand", testCommand);
    reportGlobs = GateSpec.reportGlobs("reportGlobs", reportGlobs);
    timeout = Check.requireTimeout("timeout", timeout == null ? GateSpec.DEFAULT_TIMEOUT : timeout);
    groupBy = groupBy == null ? DEFAULT_GROUP_BY : groupBy;
  }

  /** A plan that groups its failing tests the default way. */
  public FailingTestsPlan(String testCommand, List<String> reportGlobs, Duration timeout) {
    this(testCommand, reportGlobs, timeout, null);
  }

  /** The gate that checks this plan's units by running the same tests. */
  public GateSpec gate() {
    return new GateSpec(testCommand, reportGlobs, timeout);
  }
}
