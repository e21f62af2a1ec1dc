package dev.fleetq.model.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.time.Instant;
import java.util.List;

/**
 * A worker asks the gate to land its pushed candidate, on the gate topic keyed by {@link #repoId()}
 * so that one gate owns each repository.
 *
 * @param jobId the unit's job
 * @param unitId the unit
 * @param attempt the attempt that produced the candidate; the gate refuses it if a newer one exists
 * @param worker the worker that pushed it
 * @param repo the repository and the branch to land on
 * @param candidateBranch the pushed branch, such as {@code fleetq/job-1/u1/a2}
 * @param candidateCommit the commit the worker pushed, 40 hex characters
 * @param baseCommit the main-branch commit the candidate was last merged with, 40 hex characters
 * @param scope path globs the candidate may change; empty means anywhere
 * @param targetTests the unit's target tests, which must all pass for the candidate to land; empty
 *     for a unit that names none (an explicit unit), which lands when it breaks nothing
 * @param gate how to test the candidate
 * @param requestedAt when the worker asked
 * @param image the container image the unit's agent ran in (its {@code agent.image}), which the
 *     gate's suite runs of this candidate take, so that a candidate is tested in the sandbox it was
 *     written in; null, and absent on the wire, for an agent that ran as a local process
 */
public record GateRequest(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("unitId") UnitId unitId,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("worker") WorkerId worker,
    @JsonProperty("repo") RepoSpec repo,
    @JsonProperty("candidateBranch") String candidateBranch,
    @JsonProperty("candidateCommit") String candidateCommit,
    @JsonProperty("baseCommit") String baseCommit,
    @JsonProperty("scope") List<String> scope,
    @JsonProperty("targetTests") List<String> targetTests,
    @JsonProperty("gate") GateSpec gate,
    @JsonProperty("requestedAt") Instant requestedAt,
    @JsonProperty("image") @JsonInclude(JsonInclude.Include.NON_NULL) String image) {

  /** Checks every field and copies the lists. */
  public GateRequest {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("unitId", unitId);
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("worker", worker);
    Check.requireNonNull("repo", repo);
    Check.requireBranch("candidateBranch", candidateBranch);
    Check.requireCommit("candidateCommit", candidateCommit);
    Check.requireCommit("baseCommit", baseCommit);
    scope = Check.globs("scope", scope);
    targetTests = Check.texts("targetTests", targetTests);
    Check.requireNonNull("gate", gate);
    Check.requireNonNull("requestedAt", requestedAt);
    Check.optionalText("image", image, Limits.MAX_IMAGE_CHARS);
  }

  /** A request for a candidate whose agent ran as a local process (no image). */
  public GateRequest(
      JobId jobId,
      UnitId unitId,
      int attempt,
      WorkerId worker,
      RepoSpec repo,
      String candidateBranch,
      String candidateCommit,
      String baseCommit,
      List<String> scope,
      List<String> targetTests,
      GateSpec gate,
      Instant requestedAt) {
    this(
        jobId,
        unitId,
        attempt,
        worker,
        repo,
        candidateBranch,
        candidateCommit,
        baseCommit,
        scope,
        targetTests,
        gate,
        requestedAt,
        null);
  }

  /** The repository's id, the Kafka key of this request. */
  public RepoId repoId() {
    return repo.repoId();
  }

  /** The unit's key. */
  public UnitKey key() {
    return new UnitKey(jobId, unitId);
  }
}
