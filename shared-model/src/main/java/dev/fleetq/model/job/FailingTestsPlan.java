package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.wire.Check;
import java.time.Duration;
import java.util.List;

/**
 * A plan that runs the test command once and makes one unit per failing test; the tests that pass
 * become the gate's first baseline.
 *
 * @param testCommand the command that runs the tests, through {@code /bin/sh -c} at the repository
 *     root
 * @param reportGlobs where the command leaves its JUnit XML reports; {@link
 *     GateSpec#DEFAULT_REPORT_GLOBS} when absent, never empty
 * @param timeout how long the command may run; {@link GateSpec#DEFAULT_TIMEOUT} when absent
 */
public record FailingTestsPlan(
    @JsonProperty("testCommand") String testCommand,
    @JsonProperty("reportGlobs") List<String> reportGlobs,
    @JsonProperty("timeout") Duration timeout)
    implements Plan {

  /** The plan's {@code kind} on the wire. */
  public static final String KIND = "failing-tests";

  /** Checks the command, globs and timeout, and fills in the defaults. */
  public FailingTestsPlan {
    Check.requireCommand("testCommand", testCommand);
    reportGlobs = GateSpec.reportGlobs("reportGlobs", reportGlobs);
    timeout = Check.requireTimeout("timeout", timeout == null ? GateSpec.DEFAULT_TIMEOUT : timeout);
  }

  /** The gate that checks this plan's units by running the same tests. */
  public GateSpec gate() {
    return new GateSpec(testCommand, reportGlobs, timeout);
  }
}
