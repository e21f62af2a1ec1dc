package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import java.time.Duration;
import java.util.List;

/**
 * How the CI gate tests a candidate before landing it: the test command and where its JUnit XML
 * reports appear. A test that passed on the baseline and does not pass on the candidate refuses the
 * candidate.
 *
 * @param testCommand the command that runs the tests, through {@code /bin/sh -c} at the repository
 *     root
 * @param reportGlobs where the command leaves its JUnit XML reports; {@link #DEFAULT_REPORT_GLOBS}
 *     when absent, never empty
 * @param timeout how long one run may take; {@link #DEFAULT_TIMEOUT} when absent
 * @param allowTestEdits whether the job's units may change test files (the gate's oracle); false
 *     when absent, so that an agent cannot pass the gate by editing the tests it is judged by
 * @param allowProtectedPaths whether the job's units may change protected paths such as CI
 *     configuration or secrets; false when absent
 */
public record GateSpec(
    @JsonProperty("testCommand") String testCommand,
    @JsonProperty("reportGlobs") List<String> reportGlobs,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("allowTestEdits") boolean allowTestEdits,
    @JsonProperty("allowProtectedPaths") boolean allowProtectedPaths) {

  /** Where Maven Surefire, Gradle and most JUnit reporters write their reports. */
  public static final List<String> DEFAULT_REPORT_GLOBS = List.of("**/TEST-*.xml", "**/junit*.xml");

  /** How long a test run may take when the job does not say. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /** Checks the command, globs and timeout, and fills in the defaults. */
  public GateSpec {
    Check.requireCommand("testCommand", testCommand);
    reportGlobs = reportGlobs("reportGlobs", reportGlobs);
    timeout = Check.requireTimeout("timeout", timeout == null ? DEFAULT_TIMEOUT : timeout);
  }

  /** A gate that allows neither test edits nor changes to protected paths. */
  public GateSpec(String testCommand, List<String> reportGlobs, Duration timeout) {
    this(testCommand, reportGlobs, timeout, false, false);
  }

  /** Reads a gate from JSON, where an absent or null allowance means false. */
  @JsonCreator
  static GateSpec fromJson(
      @JsonProperty("testCommand") String testCommand,
      @JsonProperty("reportGlobs") List<String> reportGlobs,
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("allowTestEdits") Boolean allowTestEdits,
      @JsonProperty("allowProtectedPaths") Boolean allowProtectedPaths) {
    return new GateSpec(
        testCommand,
        reportGlobs,
        timeout,
        Boolean.TRUE.equals(allowTestEdits),
        Boolean.TRUE.equals(allowProtectedPaths));
  }

  /** The same gate with the given allowances, as a job that trusts its agents declares. */
  public GateSpec withAllowances(boolean testEdits, boolean protectedPaths) {
    return new GateSpec(testCommand, reportGlobs, timeout, testEdits, protectedPaths);
  }

  /**
   * Report globs: the defaults when absent; an explicit empty list would find no report, so it
   * fails.
   */
  static List<String> reportGlobs(String field, List<String> globs) {
    if (globs == null) {
      return DEFAULT_REPORT_GLOBS;
    }
    if (globs.isEmpty()) {
      throw new InvalidMessageException(field, "must not be empty");
    }
    return Check.globs(field, globs);
  }
}
