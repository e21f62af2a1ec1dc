package dev.fleetq.worker.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a worker's containers run, validated once. The CLI reads it from flags and the environment;
 * this record only checks it. Zero never means "default": {@link #defaults} fills in the named
 * constants.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dockerHost the engine's address, such as {@code unix:///var/run/docker.sock}
 * @param network the network mode of every container; {@value #DEFAULT_NETWORK} keeps the agent off
 *     the network, {@code bridge} or a named network lets it reach its model's API
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
    String network,
    long nanoCpus,
    long memoryBytes,
    long pidsLimit,
    boolean readOnlyRootFs,
    long tmpBytes,
    String user,
    Path secretsDir,
    Duration callTimeout) {

  public static final String DEFAULT_NETWORK = "none";
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
  private static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");

  /** Checks every field. */
  public DockerSandboxConfig {
    if (dockerHost == null || dockerHost.isBlank()) {
      throw new IllegalArgumentException("dockerHost must not be blank");
    }
    if (network == null || !NETWORK.matcher(network).matches()) {
      throw new IllegalArgumentException("network must be a network mode name, got " + network);
    }
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
        DEFAULT_NETWORK,
        DEFAULT_NANO_CPUS,
        DEFAULT_MEMORY_BYTES,
        DEFAULT_PIDS_LIMIT,
        false,
        DEFAULT_TMP_BYTES,
        WorkerUser.current(),
        null,
        DEFAULT_CALL_TIMEOUT);
  }

  /** The same configuration with another memory limit. */
  public DockerSandboxConfig withMemoryBytes(long memoryBytes) {
    return new DockerSandboxConfig(
        dockerHost,
        network,
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
        network,
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
        network,
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
