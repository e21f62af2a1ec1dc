package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Limits;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The coding agent that works on each unit: a command run in the unit's worktree, where it finds
 * its assignment in {@code .fleetq/TASK.md}, for example {@code claude -p "$(cat .fleetq/TASK.md)"
 * --permission-mode acceptEdits}.
 *
 * @param command the command, run through {@code /bin/sh -c}, at most {@value
 *     Limits#MAX_COMMAND_CHARS} characters
 * @param image the container image to run it in, or null to run it as a local process
 * @param envAllowList names of the worker's environment variables passed to the agent, such as its
 *     API key; nothing else is passed
 * @param timeout how long one attempt may run; {@link #DEFAULT_TIMEOUT} when absent
 * @param maxAttempts how many attempts a unit gets before it fails, 1 to {@value
 *     Limits#MAX_ATTEMPTS}; {@value #DEFAULT_MAX_ATTEMPTS} when absent
 */
public record AgentSpec(
    @JsonProperty("command") String command,
    @JsonProperty("image") String image,
    @JsonProperty("envAllowList") List<String> envAllowList,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("maxAttempts") int maxAttempts) {

  /** How long one attempt may run when the job does not say. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /** How many attempts a unit gets when the job does not say. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** A POSIX environment variable name; the JSON Schema uses the same expression. */
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** A container image reference: no whitespace, and never read as an option. */
  static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");

  /** Checks every field and fills in the default timeout. */
  public AgentSpec {
    Check.requireCommand("command", command);
    if (image != null) {
      Check.requireText("image", image, Limits.MAX_IMAGE_CHARS);
      if (!IMAGE.matcher(image).matches()) {
        throw new InvalidMessageException(
            "image", "must be a container image reference, got " + Check.quote(image));
      }
    }
    envAllowList = Check.texts("envAllowList", envAllowList);
    for (int i = 0; i < envAllowList.size(); i++) {
      if (!ENV_NAME.matcher(envAllowList.get(i)).matches()) {
        throw new InvalidMessageException(
            "envAllowList[" + i + "]",
            "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*), got "
                + Check.quote(envAllowList.get(i)));
      }
    }
    timeout = Check.requireTimeout("timeout", timeout == null ? DEFAULT_TIMEOUT : timeout);
    Check.requireRange("maxAttempts", maxAttempts, 1, Limits.MAX_ATTEMPTS);
  }

  /** Reads an agent from JSON, where an absent {@code maxAttempts} means the default, not zero. */
  @JsonCreator
  static AgentSpec fromJson(
      @JsonProperty("command") String command,
      @JsonProperty("image") String image,
      @JsonProperty("envAllowList") List<String> envAllowList,
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("maxAttempts") Integer maxAttempts) {
    return new AgentSpec(
        command,
        image,
        envAllowList,
        timeout,
        maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts);
  }
}
