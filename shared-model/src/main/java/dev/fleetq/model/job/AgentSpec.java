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
 * @param network the network of the agent's container: {@value #DEFAULT_NETWORK} (no network at
 *     all, the default) or the name of a Docker network, which a worker runs only if its operator
 *     allows it there; never {@value #HOST_NETWORK} or {@code container:...}, since the agent has a
 *     network namespace of its own. An agent without an image runs as a local process, on the
 *     worker's network, whatever this says.
 */
public record AgentSpec(
    @JsonProperty("command") String command,
    @JsonProperty("image") String image,
    @JsonProperty("envAllowList") List<String> envAllowList,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("maxAttempts") int maxAttempts,
    @JsonProperty("network") String network) {

  /** How long one attempt may run when the job does not say. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /** How many attempts a unit gets when the job does not say. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** The network of an agent's container when the job does not say: none at all. */
  public static final String DEFAULT_NETWORK = "none";

  /** The host's own network, which a job may never ask for. */
  public static final String HOST_NETWORK = "host";

  /** A Docker network name; no colon, so never {@code container:<id>}. The schema uses it too. */
  static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** A POSIX environment variable name; the JSON Schema uses the same expression. */
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** A container image reference: no whitespace, and never read as an option. */
  static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");

  /** Checks every field and fills in the default timeout and network. */
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
    network = network == null ? DEFAULT_NETWORK : network;
    String problem = networkProblem(network);
    if (problem != null) {
      throw new InvalidMessageException("network", problem);
    }
  }

  /** An agent without a network field, which gets {@value #DEFAULT_NETWORK}. */
  public AgentSpec(
      String command, String image, List<String> envAllowList, Duration timeout, int maxAttempts) {
    this(command, image, envAllowList, timeout, maxAttempts, null);
  }

  /**
   * What is wrong with {@code network} as the network of an agent's container, or null if a job may
   * ask for it. Public so that a worker checks the networks its operator allows by the same rule.
   */
  public static String networkProblem(String network) {
    if (network.isEmpty()) {
      return "must not be empty";
    }
    if (network.length() > Limits.MAX_NETWORK_CHARS) {
      return network.length() + " characters exceeds the limit of " + Limits.MAX_NETWORK_CHARS;
    }
    if (!NETWORK.matcher(network).matches()) {
      return "must be none or a Docker network name ([A-Za-z0-9][A-Za-z0-9_.-]*), got "
          + Check.quote(network);
    }
    if (network.equals(HOST_NETWORK)) {
      return "must not be host: the agent's container has a network namespace of its own";
    }
    return null;
  }

  /** Reads an agent from JSON, where an absent {@code maxAttempts} means the default, not zero. */
  @JsonCreator
  static AgentSpec fromJson(
      @JsonProperty("command") String command,
      @JsonProperty("image") String image,
      @JsonProperty("envAllowList") List<String> envAllowList,
      @JsonProperty("timeout") Duration timeout,
      @JsonProperty("maxAttempts") Integer maxAttempts,
      @JsonProperty("network") String network) {
    return new AgentSpec(
        command,
        image,
        envAllowList,
        timeout,
        maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts,
        network);
  }
}
