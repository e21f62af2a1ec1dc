package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Limits;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A job as an engineer submits it, on the jobs topic, to {@code POST /v1/jobs} or in a job file: a
 * repository, a plan that turns into units, the agent that works on them and the gate that lands
 * them. The JSON Schema {@code docs/job-spec.schema.json} describes the same shape.
 *
 * @param id the job's id, or null to let intake draw one
 * @param repo the repository to work on
 * @param plan how the job becomes units
 * @param agent the agent that works on each unit
 * @param gate how candidates are tested before landing; when absent, a {@link FailingTestsPlan}
 *     gates with its own test command, and an {@link ExplicitUnitsPlan} is refused
 * @param priority from {@value Limits#MIN_PRIORITY} to {@value Limits#MAX_PRIORITY}, higher first;
 *     0 when absent
 * @param labels free-form tags for people and dashboards, at most {@value Limits#MAX_LABELS}
 */
public record JobSpec(
    @JsonProperty("id") JobId id,
    @JsonProperty("repo") RepoSpec repo,
    @JsonProperty("plan") Plan plan,
    @JsonProperty("agent") AgentSpec agent,
    @JsonProperty("gate") GateSpec gate,
    @JsonProperty("priority") int priority,
    @JsonProperty("labels") Map<String, String> labels) {

  /** The priority of a job that does not give one. */
  public static final int DEFAULT_PRIORITY = 0;

  /** A label key: lowercase, short, and safe as a metric label or a Kubernetes label name. */
  static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9._/-]{1,63}");

  /** Checks every field, derives the gate of a failing-tests plan, and copies the labels. */
  public JobSpec {
    Check.requireNonNull("repo", repo);
    Check.requireNonNull("plan", plan);
    Check.requireNonNull("agent", agent);
    if (gate == null && plan instanceof FailingTestsPlan failing) {
      gate = failing.gate();
    }
    if (gate == null) {
      throw new InvalidMessageException(
          "gate", "is required when the plan lists its units (kind 'units')");
    }
    Check.requireRange("priority", priority, Limits.MIN_PRIORITY, Limits.MAX_PRIORITY);
    labels = checkLabels(labels);
  }

  /** Reads a job from JSON, where an absent {@code priority} means the default, 0. */
  @JsonCreator
  static JobSpec fromJson(
      @JsonProperty("id") JobId id,
      @JsonProperty("repo") RepoSpec repo,
      @JsonProperty("plan") Plan plan,
      @JsonProperty("agent") AgentSpec agent,
      @JsonProperty("gate") GateSpec gate,
      @JsonProperty("priority") Integer priority,
      @JsonProperty("labels") Map<String, String> labels) {
    return new JobSpec(
        id, repo, plan, agent, gate, priority == null ? DEFAULT_PRIORITY : priority, labels);
  }

  /** The same job with the given id, as intake assigns it. */
  public JobSpec withId(JobId newId) {
    return new JobSpec(
        Check.requireNonNull("id", newId), repo, plan, agent, gate, priority, labels);
  }

  private static Map<String, String> checkLabels(Map<String, String> labels) {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > Limits.MAX_LABELS) {
      throw new InvalidMessageException(
          "labels", labels.size() + " entries exceeds the limit of " + Limits.MAX_LABELS);
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String key = label.getKey();
      if (key == null || !LABEL_KEY.matcher(key).matches()) {
        throw new InvalidMessageException(
            "labels",
            "key "
                + Check.quote(String.valueOf(key))
                + " must be 1 to 63 lowercase letters, digits, '.', '_', '/' or '-'");
      }
      Check.requireNonNull("labels." + key, label.getValue());
      Check.optionalText("labels." + key, label.getValue(), Limits.MAX_LABEL_VALUE_CHARS);
    }
    return Map.copyOf(labels);
  }
}
