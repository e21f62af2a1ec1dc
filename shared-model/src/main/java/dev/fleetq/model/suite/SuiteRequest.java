package dev.fleetq.model.suite;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.time.Duration;
import java.util.List;

/**
 * One run of a job's test command on one commit, for an executor: the coordinator decides what to
 * test and never runs the command itself. The executor fetches {@code ref} from {@code repoUrl},
 * checks that it is {@code commit}, runs {@code testCommand} there in its sandbox and answers with
 * a {@link SuiteResult} of the same run id.
 *
 * @param runId names the run, unique; letters, digits, '.', '_' and '-'
 * @param attempt 1 for the first dispatch, one more for each re-dispatch after an executor died
 * @param jobId the job whose command it is, for logs; the gate's runs name the batch's first job
 * @param repo the repository, for logs and metrics
 * @param repoUrl where to fetch from
 * @param ref what to fetch: a branch ({@code refs/heads/main}) or the gate's hidden ref ({@code
 *     refs/fleetq/gate/...})
 * @param commit the commit {@code ref} must point to, 40 hex characters
 * @param testCommand the shell command to run at the top of the checkout
 * @param reportGlobs where the command leaves its JUnit XML reports, relative to the checkout
 * @param timeout how long the command may run before it is killed
 * @param image the container image to run it in; null for the executor's default sandbox
 */
public record SuiteRequest(
    @JsonProperty("runId") String runId,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("repo") RepoId repo,
    @JsonProperty("repoUrl") String repoUrl,
    @JsonProperty("ref") String ref,
    @JsonProperty("commit") String commit,
    @JsonProperty("testCommand") String testCommand,
    @JsonProperty("reportGlobs") List<String> reportGlobs,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("image") String image) {

  /** The longest run id. */
  public static final int MAX_RUN_ID_CHARS = 200;

  /** Checks every field. */
  public SuiteRequest {
    SuiteResult.requireRunId(runId);
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("repo", repo);
    Check.requireText("repoUrl", repoUrl, 2000);
    Check.requireText("ref", ref, 300);
    Check.requireCommit("commit", commit);
    Check.requireCommand("testCommand", testCommand);
    reportGlobs = Check.globs("reportGlobs", reportGlobs);
    Check.requireTimeout("timeout", timeout);
    image = Check.optionalText("image", image, Limits.MAX_IMAGE_CHARS);
  }

  /** The same run, dispatched once more. */
  public SuiteRequest redispatched() {
    return new SuiteRequest(
        runId,
        attempt + 1,
        jobId,
        repo,
        repoUrl,
        ref,
        commit,
        testCommand,
        reportGlobs,
        timeout,
        image);
  }
}
