package dev.fleetq.cli;

import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * Where {@code fleetq worker} runs agents in containers: the Docker engine, the image of agents
 * whose job names none, the networks a job may ask for, and the limits of every agent's container.
 * Without an engine address agents run as local processes, and a job that names an image ends its
 * attempts with {@code SANDBOX_UNAVAILABLE}. Every flag defaults to an environment variable, as in
 * {@link StackOptions}. Public for {@code fleetq local}, whose workers take the same flags. Filled
 * in by picocli on the main thread.
 */
public final class DockerOptions {
  private static final Pattern SIZE = Pattern.compile("([0-9]+)([kmg]?)b?");
  private static final long NANOS_PER_CPU = 1_000_000_000L;

  @Option(
      names = "--docker-host",
      defaultValue = "${env:FLEETQ_DOCKER_HOST:-${env:DOCKER_HOST}}",
      description =
          "The Docker engine that agents run in, such as unix:///var/run/docker.sock (env"
              + " FLEETQ_DOCKER_HOST, else DOCKER_HOST; default: none, agents run as local"
              + " processes; empty turns it off).")
  String dockerHost;

  @Option(
      names = "--agent-image",
      defaultValue = "${env:FLEETQ_AGENT_IMAGE}",
      description =
          "The image of agents whose job names none; needs --docker-host (env FLEETQ_AGENT_IMAGE;"
              + " default: none, those agents run as local processes).")
  String agentImage;

  @Option(
      names = "--agent-networks",
      split = ",",
      defaultValue = "${env:FLEETQ_AGENT_NETWORKS:-none}",
      description =
          "The networks a job may ask for (agent.network), comma-separated; never host (env"
              + " FLEETQ_AGENT_NETWORKS; default ${DEFAULT-VALUE}).")
  List<String> agentNetworks;

  @Option(
      names = "--agent-cpus",
      defaultValue = "${env:FLEETQ_AGENT_CPUS:-2}",
      description =
          "CPUs of each agent's container (env FLEETQ_AGENT_CPUS; default ${DEFAULT-VALUE}).")
  double agentCpus;

  @Option(
      names = "--agent-memory",
      defaultValue = "${env:FLEETQ_AGENT_MEMORY:-4g}",
      description =
          "Memory of each agent's container, in bytes or with k, m or g; an agent that needs more is"
              + " killed (env FLEETQ_AGENT_MEMORY; default ${DEFAULT-VALUE}).")
  String agentMemory;

  @Option(
      names = "--agent-pids",
      defaultValue = "${env:FLEETQ_AGENT_PIDS:-1024}",
      description =
          "Processes and threads each agent's container may have at once (env FLEETQ_AGENT_PIDS;"
              + " default ${DEFAULT-VALUE}).")
  long agentPids;

  @Option(
      names = "--agent-read-only",
      negatable = true,
      defaultValue = "${env:FLEETQ_AGENT_READ_ONLY:-false}",
      fallbackValue = "true",
      description =
          "Make the image's file system read-only; /workspace and /tmp stay writable (env"
              + " FLEETQ_AGENT_READ_ONLY; default ${DEFAULT-VALUE}).")
  boolean agentReadOnly;

  @Option(
      names = "--agent-secrets-dir",
      defaultValue = "${env:FLEETQ_AGENT_SECRETS_DIR}",
      description =
          "A directory of credential files mounted read-only at /run/secrets in every agent's"
              + " container (env FLEETQ_AGENT_SECRETS_DIR; default: none).")
  Path agentSecretsDir;

  /**
   * Checks the flags; on failure prints one sentence, prefixed with {@code fleetq <command>:},
   * naming the flag.
   *
   * @return the sandbox's configuration, or empty when no engine is configured
   * @throws Refused after printing why
   */
  public Optional<DockerSandboxConfig> settings(String command) {
    try {
      return Optional.ofNullable(config());
    } catch (IllegalArgumentException e) {
      throw refused(command, e);
    }
  }

  /**
   * Checks that the engine of {@code config} answers; on failure prints one sentence, prefixed with
   * {@code fleetq <command>:}, naming its address.
   *
   * @throws Refused after printing why
   */
  public static void requireEngine(String command, DockerSandboxConfig config) {
    try {
      Preflight.requireDocker(config, StackOptions.PREFLIGHT_TIMEOUT);
    } catch (Preflight.Unreachable e) {
      throw refused(command, e);
    }
  }

  private static Refused refused(String command, RuntimeException e) {
    System.err.println("fleetq " + command + ": " + e.getMessage());
    return new Refused();
  }

  /** The default image, or null. */
  public String image() {
    return agentImage == null || agentImage.isBlank() ? null : agentImage.strip();
  }

  /**
   * The sandbox's configuration, or null when no engine is configured.
   *
   * @throws IllegalArgumentException naming the flag whose value is wrong
   */
  DockerSandboxConfig config() {
    if (dockerHost == null || dockerHost.isBlank()) {
      if (image() != null) {
        throw new IllegalArgumentException(
            "--agent-image " + image() + " needs a Docker engine: give --docker-host");
      }
      return null;
    }
    if (!(agentCpus > 0) || Double.isInfinite(agentCpus)) {
      throw new IllegalArgumentException(
          "--agent-cpus must be a positive number, got " + agentCpus);
    }
    return DockerSandboxConfig.defaults(dockerHost.strip())
        .withNetworks(new LinkedHashSet<>(agentNetworks.stream().map(String::strip).toList()))
        .withNanoCpus(Math.round(agentCpus * NANOS_PER_CPU))
        .withMemoryBytes(bytes("--agent-memory", agentMemory))
        .withPidsLimit(agentPids)
        .withReadOnlyRootFs(agentReadOnly)
        .withSecretsDir(agentSecretsDir);
  }

  /** The flags are wrong or the engine does not answer; the user was told which. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused() {
      super("the Docker sandbox's settings were refused", null, false, false);
    }
  }

  private static long bytes(String flag, String size) {
    Matcher matcher = SIZE.matcher(size.strip().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          flag + " must be bytes or a number with k, m or g, such as 4g; got " + size);
    }
    int shift =
        switch (matcher.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    long value;
    try {
      value = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException e) {
      value = Long.MAX_VALUE;
    }
    if (value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException(flag + " is too large: " + size);
    }
    return value << shift;
  }
}
