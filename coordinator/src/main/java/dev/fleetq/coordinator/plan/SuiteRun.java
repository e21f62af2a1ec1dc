package dev.fleetq.coordinator.plan;

import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.git.GitResult;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.suite.SuiteRequest;
import dev.fleetq.model.suite.SuiteResult;
import dev.fleetq.model.suite.TestReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Measures which tests pass on a repository's branch: the coordinator reads the branch's commit
 * with {@code git ls-remote}, and an executor of the fleet runs the plan's test command on it and
 * reads the JUnit XML reports it leaves; the coordinator runs nothing a job supplied. Each way this
 * can go wrong is a {@link PlanningException} whose message tells the engineer what to fix.
 *
 * <p>Thread-safe.
 */
final class SuiteRun {
  /** How long past the plan's own timeout the planner waits for an executor to take the run. */
  static final Duration FLEET_SLACK = Duration.ofMinutes(10);

  private final Git git;
  private final SuiteDispatcher fleet;
  private final Clock clock;

  SuiteRun(Git git, SuiteDispatcher fleet, Clock clock) {
    this.git = git;
    this.fleet = fleet;
    this.clock = clock;
  }

  /**
   * What one run of the suite found.
   *
   * @param commit the commit that was tested
   * @param report the tests' results
   * @param measuredAt when the branch was read
   */
  record Measurement(String commit, TestReport report, Instant measuredAt) {}

  /**
   * Reads the head of the job's branch and has an executor run the plan's test command there, in
   * the job's agent image when it names one (a local process otherwise), as the gate's runs are.
   *
   * @param scratch a directory owned by the caller, where git may run
   */
  Measurement measure(JobSpec job, FailingTestsPlan plan, Path scratch) {
    RepoSpec repo = job.repo();
    Instant measuredAt = clock.instant();
    String ref = "refs/heads/" + repo.branch();
    String commit = head(repo, ref, scratch);
    SuiteRequest request =
        new SuiteRequest(
            "plan-" + job.id().value(),
            1,
            job.id(),
            repo.repoId(),
            repo.url(),
            ref,
            commit,
            plan.testCommand(),
            plan.reportGlobs(),
            plan.timeout(),
            job.agent().image());
    Optional<SuiteResult> answer;
    try {
      answer = fleet.run(request, plan.timeout().plus(FLEET_SLACK));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlanningException("planning was interrupted while the suite ran", e);
    }
    SuiteResult result =
        answer.orElseThrow(
            () ->
                new PlanningException(
                    "no executor ran the test command within "
                        + plan.timeout().plus(FLEET_SLACK)
                        + ": no worker serves suite runs (fleetq worker --suite-slots, or fleetq"
                        + " executor), or every one is busy"));
    return switch (result.outcome()) {
      case REPORTED -> new Measurement(commit, result.report(), measuredAt);
      case TIMED_OUT ->
          throw new PlanningException(
              "the test command '"
                  + plan.testCommand()
                  + "' timed out after "
                  + plan.timeout()
                  + " (the plan's timeout) and was killed"
                  + tail(result));
      case NO_REPORT, CHECKOUT_FAILED ->
          throw new PlanningException(result.problem() + tail(result));
    };
  }

  private String head(RepoSpec repo, String ref, Path scratch) {
    GitResult listed = git.tryRun(scratch, "ls-remote", "--", repo.url(), ref);
    String line = listed.stdout().strip();
    if (!listed.succeeded() || line.isEmpty()) {
      throw new PlanningException(
          "cannot read "
              + repo.url()
              + " (branch "
              + repo.branch()
              + "): "
              + (listed.succeeded()
                  ? "it has no such branch"
                  : "git exited with " + listed.exitCode() + ": " + listed.stderr().strip()));
    }
    return line.split("\\s+")[0];
  }

  /** The last lines the command printed, as the end of a failure detail. */
  private static String tail(SuiteResult result) {
    return result.logTail().isBlank() ? "" : "; its last output:\n" + result.logTail();
  }
}
