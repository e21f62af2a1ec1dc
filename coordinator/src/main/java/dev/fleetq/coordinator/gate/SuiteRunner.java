package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.exec.git.GitResult;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.suite.SuiteRequest;
import dev.fleetq.model.suite.SuiteResult;
import dev.fleetq.model.suite.TestReport;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has a job's test command run once on a commit of a gate mirror, with the gate's timeout: the
 * commit is pushed from the mirror to the hidden ref {@code refs/fleetq/gate/{runId}} of the origin
 * (never a branch), so no worktree is checked out for it, an executor of the fleet runs the command
 * on it and answers through the {@link SuiteDispatcher}, and the ref is deleted again. The
 * coordinator runs nothing a job supplied.
 *
 * <p>Thread-safe; the call blocks its thread for as long as the suite runs.
 */
final class SuiteRunner {
  private static final Logger log = LoggerFactory.getLogger(SuiteRunner.class);
  private static final String GATE_REFS = "refs/fleetq/gate/";

  /** How long past the suite's own timeout the gate waits for an executor to take and answer it. */
  static final Duration FLEET_SLACK = Duration.ofMinutes(10);

  private final SuiteDispatcher fleet;
  private final GateMetrics metrics;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param fleet hands the runs to the executors
   */
  SuiteRunner(SuiteDispatcher fleet, GateMetrics metrics) {
    this.fleet = fleet;
    this.metrics = metrics;
  }

  /** Runs the suite of {@code request}'s job once on {@code commit}, which {@code mirror} holds. */
  Outcome run(RepoMirror mirror, String commit, GateRequest request, String name) {
    metrics.suiteRan();
    String runId = name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + suffix();
    String ref = GATE_REFS + runId;
    GateSpec gate = request.gate();
    GitResult pushed = mirror.pushRef(commit, ref);
    if (!pushed.succeeded()) {
      return new Outcome(
          false,
          null,
          "could not push the tested commit to " + ref + ": " + pushed.stderr().strip(),
          "");
    }
    try {
      SuiteRequest suite =
          new SuiteRequest(
              runId,
              1,
              request.jobId(),
              request.repoId(),
              request.repo().url(),
              ref,
              commit,
              gate.testCommand(),
              gate.reportGlobs(),
              gate.timeout(),
              request.image());
      Optional<SuiteResult> result = fleet.run(suite, gate.timeout().plus(FLEET_SLACK));
      if (result.isEmpty()) {
        return new Outcome(false, null, "no executor answered suite run " + runId + " in time", "");
      }
      return outcome(result.get(), gate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, null, "interrupted while waiting for suite run " + runId, "");
    } finally {
      GitResult deleted = mirror.deleteRef(ref);
      if (!deleted.succeeded()) {
        log.warn("Could not delete {} on the origin: {}", ref, deleted.stderr().strip());
      }
    }
  }

  private static Outcome outcome(SuiteResult result, GateSpec gate) {
    return switch (result.outcome()) {
      case REPORTED -> new Outcome(false, result.report(), null, result.logTail());
      case TIMED_OUT ->
          new Outcome(
              true, null, "the test command timed out after " + gate.timeout(), result.logTail());
      case NO_REPORT, CHECKOUT_FAILED ->
          new Outcome(false, null, result.problem(), result.logTail());
    };
  }

  private String suffix() {
    byte[] bytes = new byte[4];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * How one run of the suite ended.
   *
   * @param timedOut whether the command ran past its timeout and was killed
   * @param report the tests' results, or null when no report could be read
   * @param problem why there is no report, or null when there is one
   * @param logTail the last lines the command printed
   */
  record Outcome(boolean timedOut, TestReport report, String problem, String logTail) {}
}
