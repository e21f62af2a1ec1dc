package dev.fleetq.model.unit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.job.AgentSpec;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.time.Instant;
import java.util.List;

/**
 * One attempt at one unit, as the coordinator publishes it on the units topic: everything a worker
 * needs to do the work without asking anyone, keyed by {@link #key()}.
 *
 * @param jobId the unit's job
 * @param unitId the unit
 * @param attempt the attempt number, from 1; the unit's fencing epoch, so the gate refuses older
 *     ones
 * @param repo the repository and branch to work from
 * @param title a one-line summary for people
 * @param prompt what the agent is asked to do
 * @param targetTests tests that should pass once the unit is done; may be empty
 * @param scope path globs the unit may change; empty means anywhere
 * @param agent the agent to run
 * @param gate how the candidate will be tested
 * @param previousFailure why the previous attempt failed, shown to the agent; null on the first
 *     attempt
 * @param priority the job's priority
 * @param publishedAt when the coordinator published this attempt
 */
public record WorkUnit(
    @JsonProperty("jobId") JobId jobId,
    @JsonProperty("unitId") UnitId unitId,
    @JsonProperty("attempt") int attempt,
    @JsonProperty("repo") RepoSpec repo,
    @JsonProperty("title") String title,
    @JsonProperty("prompt") String prompt,
    @JsonProperty("targetTests") List<String> targetTests,
    @JsonProperty("scope") List<String> scope,
    @JsonProperty("agent") AgentSpec agent,
    @JsonProperty("gate") GateSpec gate,
    @JsonProperty("previousFailure") String previousFailure,
    @JsonProperty("priority") int priority,
    @JsonProperty("publishedAt") Instant publishedAt) {

  /** Checks every field and copies the lists. */
  public WorkUnit {
    Check.requireNonNull("jobId", jobId);
    Check.requireNonNull("unitId", unitId);
    Check.requireAtLeast("attempt", attempt, 1);
    Check.requireNonNull("repo", repo);
    Check.requireText("title", title, Limits.MAX_TITLE_CHARS);
    Check.requireText("prompt", prompt, Limits.MAX_PROMPT_CHARS);
    targetTests = Check.texts("targetTests", targetTests);
    scope = Check.globs("scope", scope);
    Check.requireNonNull("agent", agent);
    Check.requireNonNull("gate", gate);
    Check.optionalText("previousFailure", previousFailure, Limits.MAX_DETAIL_CHARS);
    Check.requireRange("priority", priority, Limits.MIN_PRIORITY, Limits.MAX_PRIORITY);
    Check.requireNonNull("publishedAt", publishedAt);
  }

  /** The unit's key, also the Kafka key and the name of its lease. */
  public UnitKey key() {
    return new UnitKey(jobId, unitId);
  }

  /** The next attempt at the same unit, carrying why this one failed. */
  public WorkUnit nextAttempt(String failure, Instant at) {
    return nextAttempt(failure, targetTests, at);
  }

  /**
   * The next attempt at the same unit, carrying why this one failed, with {@code targets} as its
   * target tests: some of them, when main already passes the others.
   */
  public WorkUnit nextAttempt(String failure, List<String> targets, Instant at) {
    return new WorkUnit(
        jobId,
        unitId,
        attempt + 1,
        repo,
        title,
        prompt,
        targets,
        scope,
        agent,
        gate,
        failure,
        priority,
        at);
  }
}
