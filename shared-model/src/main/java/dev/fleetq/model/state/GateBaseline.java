package dev.fleetq.model.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.wire.Check;
import java.time.Instant;
import java.util.Set;

/**
 * What the gate compares a candidate against: a commit of the repository's main branch and the set
 * of tests that pass on it. The planner measures the first one; the gate replaces it each time it
 * lands.
 *
 * @param repo the repository
 * @param commit the main commit that was measured
 * @param passing the ids of the tests that passed on it
 * @param measuredAt when it was measured
 */
public record GateBaseline(
    @JsonProperty("repo") RepoId repo,
    @JsonProperty("commit") String commit,
    @JsonProperty("passing") Set<String> passing,
    @JsonProperty("measuredAt") Instant measuredAt) {

  /** Checks every field and copies the passing set. */
  public GateBaseline {
    Check.requireNonNull("repo", repo);
    Check.requireCommit("commit", commit);
    passing = passing == null ? Set.of() : Set.copyOf(passing);
    Check.requireNonNull("measuredAt", measuredAt);
  }
}
