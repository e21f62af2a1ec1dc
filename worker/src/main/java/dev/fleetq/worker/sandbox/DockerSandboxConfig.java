package dev.fleetq.worker.sandbox;

import dev.fleetq.model.job.AgentSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a worker's containers run, validated once. The CLI reads it from flags and the environment;
 * this record only checks it. Zero never means "default": {@link #defaults} fills in the named
 * constants.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dockerHost the engine's address, such as {@code unix:///var/run/docker.sock}
 * @param networks the networks a job may ask for ({@code agent.network}); a job that asks for
 *     another is refused. Only {@value AgentSpec#DEFAULT_NETWORK} by default, which keeps the agent
 *     off the network; add {@code bridge} or a named network to let agents reach their model's API.
 *     Never {@code host}, the worker's own network.
 * @param nanoCpus the CPU limit in billionths of a CPU
 * @param memoryBytes the memory limit; swap is not allowed on top of it, so an agent that allocates
 *     beyond it is killed (exit 137)
 * @param pidsLimit the most processes and threads a container may have at once
 * @param readOnlyRootFs whether the image's file system is read-only; {@code /tmp} and the worktree
 *     stay writable
 * @param tmpBytes the size of the {@code tmpfs} mounted at {@code /tmp}, the agent's {@code HOME}
 * @param user the {@code uid:gid} the agent runs as; the worker's own, so that the files it writes
 *     in the worktree belong to the worker
 * @param secretsDir a directory of credential files mounted read-only at {@value #SECRETS_MOUNT},
 *     or null for none; its contents never appear in a log or an event
 * @param callTimeout the bound on every call to the engine except the wait for the agent itself
 */
public record DockerSandboxConfig(
    String dockerHost,
    Set<String> networks,
    long nanoCpus,
    long memoryBytes,
    long pidsLimit,
    boolean readOnlyRootFs,
    long tmpBytes,
    String user,
    Path secretsDir,
    Duration callTimeout) {

  /** The networks a job may ask for unless the operator says otherwise: none at all. */
  public static final Set<String> DEFAULT_NETWORKS = Set.of(AgentSpec.DEFAULT_NETWORK);

  public static final long DEFAULT_NANO_CPUS = 2_000_000_000L;
  public static final long DEFAULT_MEMORY_BYTES = 4L << 30;
  public static final long DEFAULT_PIDS_LIMIT = 1024;
  public static final long DEFAULT_TMP_BYTES = 1L << 30;
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /** Where {@link #secretsDir} appears inside the container. */
  public static final String SECRETS_MOUNT = "/run/secrets";

  /** The least memory a container may get: below it the engine refuses to start one. */
  public static final long MIN_MEMORY_BYTES = 6L << 20;

  private static final Pattern USER = Pattern.compile("[0-9]+:[0-9]+");
  private static final Pattern DOCKER_HOST = Pattern.compile("(unix|tcp|npipe)://\\S+");

  /** Checks every field. */
  public DockerSandboxConfig {
    if (dockerHost == null || !DOCKER_HOST.matcher(dockerHost).matches()) {
      throw new IllegalArgumentException(
          "dockerHost must be unix://PATH, tcp://HOST:PORT or npipe://PATH, got " + dockerHost);
    }
    Objects.requireNonNull(networks, "networks");
    if (networks.isEmpty()) {
      throw new IllegalArgumentException("networks must name at least one network, such as none");
    }
    for (String network : networks) {
      String problem = network == null ? "must not be null" : AgentSpec.networkProblem(network);
      if (problem != null) {
        throw new IllegalArgumentException("networks[" + network + "]: " + problem);
      }
    }
    networks = Set.copyOf(networks);
    requirePositive("nanoCpus", nanoCpus);
    if (memoryBytes < MIN_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          "memoryBytes must be at least " + MIN_MEMORY_BYTES + ", got " + memoryBytes);
    }
    requirePositive("pidsLimit", pidsLimit);
    requirePositive("tmpBytes", tmpBytes);
    if (user == null || !USER.matcher(user).matches()) {
      throw new IllegalArgumentException("user must be uid:gid, got " + user);
    }
    if (secretsDir != null) {
      secretsDir = secretsDir.toAbsolutePath().normalize();
    }
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive, got " + callTimeout);
    }
  }

  /**
   * Every default: no network, 2 CPUs, 4 GiB, 1024 processes, a writable root file system, and this
   * process's own user.
   */
  public static DockerSandboxConfig defaults(String dockerHost) {
    return new DockerSandboxConfig(
        dockerHost,
        DEFAULT_NETWORKS,
        DEFAULT_NANO_CPUS,
        DEFAULT_MEMORY_BYTES,
        DEFAULT_PIDS_LIMIT,
        false,
        DEFAULT_TMP_BYTES,
        WorkerUser.current(),
        null,
        DEFAULT_CALL_TIMEOUT);
  }

  /** The same configuration with other networks that jobs may ask for. */
  public DockerSandboxConfig withNetworks(Set<String> networks) {
    return new DockerSandboxConfig(
        dockerHost,
        networks,
        nanoCpus,
        memoryBytes,
        pidsLimit,
        readOnlyRootFs,
        tmpBytes,
        user,
        secretsDir,
        callTimeout);
  }

  /** The same configuration with another CPU limit, in billionths of a CPU. */
  public DockerSandboxConfig withNanoCpus(long nanoCpus) {
    return new DockerSandboxConfig(
        dockerHost,
        networks,
        nanoCpus,
        memoryBytes,
        pidsLimit,
        readOnlyRootFs,
        tmpBytes,
        user,
        secretsDir,
        callTimeout);
  }

  /** The same configuration with another limit on processes and threads. */
  public DockerSandboxConfig withPidsLimit(long pidsLimit) {
    return new DockerSandboxConfig(
        dockerHost,
        networks,
        nanoCpus,
        memoryBytes,
        pidsLimit,
        readOnlyRootFs,
        tmpBytes,
        user,
        secretsDir,
        callTimeout);
  }

  /** The same configuration with another bound on each call to the engine. */
  public DockerSandboxConfig withCallTimeout(Duration callTimeout) {
    return new DockerSandboxConfig(
        dockerHost,
        networks,
        nanoCpus,
        memoryBytes,
        pidsLimit,
        readOnlyRootFs,
        tmpBytes,
        user,
        secretsDir,
        callTimeout);
  }

  /** The same configuration with another memory limit. */
  public DockerSandboxConfig withMemoryBytes(long memoryBytes) {
    return new DockerSandboxConfig(
        dockerHost,
        networks,
        nanoCpus,
        memoryBytes,
        pidsLimit,
        readOnlyRootFs,
        tmpBytes,
        user,
        secretsDir,
        callTimeout);
  }

  /** The same configuration with or without a read-only root file system. */
  public DockerSandboxConfig withReadOnlyRootFs(boolean readOnlyRootFs) {
    return new DockerSandboxConfig(
        dockerHost,
        networks,
        nanoCpus,
        memoryBytes,
        pidsLimit,
        readOnlyRootFs,
        tmpBytes,
        user,
        secretsDir,
        callTimeout);
  }

  /** The same configuration with another directory of secret files, or none. */
  public DockerSandboxConfig withSecretsDir(Path secretsDir) {
    return new DockerSandboxConfig(
        dockerHost,
        networks,
        nanoCpus,
        memoryBytes,
        pidsLimit,
        readOnlyRootFs,
        tmpBytes,
        user,
        secretsDir,
        callTimeout);
  }

  /** The {@code uid} part of {@link #user}. */
  String uid() {
    return user.substring(0, user.indexOf(':'));
  }

  /** The {@code gid} part of {@link #user}. */
  String gid() {
    return user.substring(user.indexOf(':') + 1);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
