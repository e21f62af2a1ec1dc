package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.util.List;

/**
 * One unit of work as the submitter describes it in an {@link ExplicitUnitsPlan}.
 *
 * @param id the unit's id, unique within the job
 * @param title a one-line summary for people, at most {@value Limits#MAX_TITLE_CHARS} characters
 * @param prompt what the agent is asked to do, at most {@value Limits#MAX_PROMPT_CHARS} characters
 * @param targetTests tests that should pass once the unit is done; may be empty
 * @param scope path globs, relative to the repository root, that the unit may change; empty means
 *     anywhere
 */
public record UnitSpec(
    @JsonProperty("id") UnitId id,
    @JsonProperty("title") String title,
    @JsonProperty("prompt") String prompt,
    @JsonProperty("targetTests") List<String> targetTests,
    @JsonProperty("scope") List<String> scope) {

  /** Checks every field and copies the lists. */
  public UnitSpec {
    Check.requireNonNull("id", id);
    Check.requireText("title", title, Limits.MAX_TITLE_CHARS);
    Check.requireText("prompt", prompt, Limits.MAX_PROMPT_CHARS);
    targetTests = Check.texts("targetTests", targetTests);
    scope = Check.globs("scope", scope);
  }
}
