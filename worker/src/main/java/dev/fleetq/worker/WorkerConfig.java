package dev.fleetq.worker;

import dev.fleetq.exec.git.Git;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one worker process needs to know, validated once. The CLI reads it from flags and the
 * environment; this record only checks it. Zero never means "default": {@link #defaults} fills in
 * the named constants.
 *
 * <p>Immutable and thread-safe.
 *
 * @param workerId this worker's id, in events, heartbeats, commit trailers and thread names
 * @param bootstrapServers the Kafka cluster, such as {@code localhost:9092}
 * @param redisUri the Redis server, such as {@code redis://localhost:6379}
 * @param topics the Kafka topic names and the workers' share group
 * @param keys the Redis key names
 * @param slots how many units this worker works on at once; 0 for an executor only ({@code fleetq
 *     executor}), which takes no units and serves suite runs
 * @param suiteSlots how many suite runs ({@code SuiteRequest}s) this worker's executor runs at
 *     once, besides its units; 0 for a worker that serves no suite runs
 * @param workDir where mirrors, worktrees, agent logs and scratch directories live
 * @param heartbeatInterval how often the heartbeat is written and running units are checked for
 *     cancellation
 * @param heartbeatTtl how long a heartbeat lives unless renewed; longer than the interval
 * @param lockWatchdogTimeout the lease of a unit lock, renewed by Redisson's watchdog every third
 *     of it while the worker lives; a dead worker's units are free again after at most this long
 * @param pollTimeout how long one poll of the units topic, or one wait for a free slot, may block
 * @param shutdownGrace how long {@link Worker#close()} waits for in-flight units to be handed back
 * @param gitTimeout how long one git command may run
 * @param redisTimeout the bound on every Redis call
 * @param kafkaTimeout the bound on every Kafka send, acknowledgement commit and client close
 * @param identity the author and committer of the worker's commits
 * @param defaultImage the container image of agents whose job names none, or null to run those as
 *     local processes; needs a Docker sandbox
 */
public record WorkerConfig(
    WorkerId workerId,
    String bootstrapServers,
    String redisUri,
    Topics topics,
    RedisKeys keys,
    int slots,
    int suiteSlots,
    Path workDir,
    Duration heartbeatInterval,
    Duration heartbeatTtl,
    Duration lockWatchdogTimeout,
    Duration pollTimeout,
    Duration shutdownGrace,
    Duration gitTimeout,
    Duration redisTimeout,
    Duration kafkaTimeout,
    Git.Identity identity,
    String defaultImage) {

  /** One unit at a time: an agent usually wants the machine's cores to itself. */
  public static final int DEFAULT_SLOTS = 1;

  /** The most slots one worker may have. */
  public static final int MAX_SLOTS = 64;

  /** One suite run at a time: a test suite, like an agent, usually wants the machine's cores. */
  public static final int DEFAULT_SUITE_SLOTS = 1;

  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);

  /** Five missed heartbeats and the worker counts as gone. */
  public static final Duration DEFAULT_HEARTBEAT_TTL = Duration.ofSeconds(10);

  /** Redisson's own default. */
  public static final Duration DEFAULT_LOCK_WATCHDOG_TIMEOUT = Duration.ofSeconds(30);

  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_GIT_TIMEOUT = Git.DEFAULT_TIMEOUT;
  public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(30);

  /** Checks every field. */
  public WorkerConfig {
    Objects.requireNonNull(workerId, "workerId");
    requireText("bootstrapServers", bootstrapServers);
    requireText("redisUri", redisUri);
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(keys, "keys");
    if (slots < 0 || slots > MAX_SLOTS) {
      throw new IllegalArgumentException(
          "slots must be between 0 and " + MAX_SLOTS + ", got " + slots);
    }
    if (suiteSlots < 0 || suiteSlots > MAX_SLOTS) {
      throw new IllegalArgumentException(
          "suiteSlots must be between 0 and " + MAX_SLOTS + ", got " + suiteSlots);
    }
    if (slots == 0 && suiteSlots == 0) {
      throw new IllegalArgumentException("a worker needs a slot or a suite slot, got neither");
    }
    Objects.requireNonNull(workDir, "workDir");
    workDir = workDir.toAbsolutePath().normalize();
    requirePositive("heartbeatInterval", heartbeatInterval);
    requirePositive("heartbeatTtl", heartbeatTtl);
    if (heartbeatTtl.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException(
          "heartbeatTtl ("
              + heartbeatTtl
              + ") must be longer than heartbeatInterval ("
              + heartbeatInterval
              + ")");
    }
    requirePositive("lockWatchdogTimeout", lockWatchdogTimeout);
    requirePositive("pollTimeout", pollTimeout);
    requirePositive("shutdownGrace", shutdownGrace);
    requirePositive("gitTimeout", gitTimeout);
    requirePositive("redisTimeout", redisTimeout);
    requirePositive("kafkaTimeout", kafkaTimeout);
    Objects.requireNonNull(identity, "identity");
    if (defaultImage != null && (defaultImage.isBlank() || defaultImage.startsWith("-"))) {
      throw new IllegalArgumentException(
          "defaultImage must be an image reference or absent, got '" + defaultImage + "'");
    }
  }

  /**
   * A configuration with every default: the standard topic and key names, one slot, one suite slot,
   * and the identity {@code fleetq worker <id> <<id>@fleetq.invalid>}.
   */
  public static WorkerConfig defaults(
      WorkerId workerId, String bootstrapServers, String redisUri, Path workDir) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        Topics.DEFAULT,
        RedisKeys.DEFAULT,
        DEFAULT_SLOTS,
        DEFAULT_SUITE_SLOTS,
        workDir,
        DEFAULT_HEARTBEAT_INTERVAL,
        DEFAULT_HEARTBEAT_TTL,
        DEFAULT_LOCK_WATCHDOG_TIMEOUT,
        DEFAULT_POLL_TIMEOUT,
        DEFAULT_SHUTDOWN_GRACE,
        DEFAULT_GIT_TIMEOUT,
        DEFAULT_REDIS_TIMEOUT,
        DEFAULT_KAFKA_TIMEOUT,
        new Git.Identity("fleetq worker " + workerId, workerId + "@fleetq.invalid"),
        null);
  }

  /** The same configuration with other topic and key names. */
  public WorkerConfig withNames(Topics topics, RedisKeys keys) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        topics,
        keys,
        slots,
        suiteSlots,
        workDir,
        heartbeatInterval,
        heartbeatTtl,
        lockWatchdogTimeout,
        pollTimeout,
        shutdownGrace,
        gitTimeout,
        redisTimeout,
        kafkaTimeout,
        identity,
        defaultImage);
  }

  /** The same configuration with another number of slots. */
  public WorkerConfig withSlots(int slots) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        topics,
        keys,
        slots,
        suiteSlots,
        workDir,
        heartbeatInterval,
        heartbeatTtl,
        lockWatchdogTimeout,
        pollTimeout,
        shutdownGrace,
        gitTimeout,
        redisTimeout,
        kafkaTimeout,
        identity,
        defaultImage);
  }

  /** The same configuration with another number of suite slots; 0 serves no suite runs. */
  public WorkerConfig withSuiteSlots(int suiteSlots) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        topics,
        keys,
        slots,
        suiteSlots,
        workDir,
        heartbeatInterval,
        heartbeatTtl,
        lockWatchdogTimeout,
        pollTimeout,
        shutdownGrace,
        gitTimeout,
        redisTimeout,
        kafkaTimeout,
        identity,
        defaultImage);
  }

  /** The same configuration with another heartbeat interval and time to live. */
  public WorkerConfig withHeartbeat(Duration heartbeatInterval, Duration heartbeatTtl) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        topics,
        keys,
        slots,
        suiteSlots,
        workDir,
        heartbeatInterval,
        heartbeatTtl,
        lockWatchdogTimeout,
        pollTimeout,
        shutdownGrace,
        gitTimeout,
        redisTimeout,
        kafkaTimeout,
        identity,
        defaultImage);
  }

  /** The same configuration with another lock watchdog timeout. */
  public WorkerConfig withLockWatchdogTimeout(Duration lockWatchdogTimeout) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        topics,
        keys,
        slots,
        suiteSlots,
        workDir,
        heartbeatInterval,
        heartbeatTtl,
        lockWatchdogTimeout,
        pollTimeout,
        shutdownGrace,
        gitTimeout,
        redisTimeout,
        kafkaTimeout,
        identity,
        defaultImage);
  }

  /** The same configuration with another shutdown grace period. */
  public WorkerConfig withShutdownGrace(Duration shutdownGrace) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        topics,
        keys,
        slots,
        suiteSlots,
        workDir,
        heartbeatInterval,
        heartbeatTtl,
        lockWatchdogTimeout,
        pollTimeout,
        shutdownGrace,
        gitTimeout,
        redisTimeout,
        kafkaTimeout,
        identity,
        defaultImage);
  }

  /** The same configuration with another default image, or none. */
  public WorkerConfig withDefaultImage(String defaultImage) {
    return new WorkerConfig(
        workerId,
        bootstrapServers,
        redisUri,
        topics,
        keys,
        slots,
        suiteSlots,
        workDir,
        heartbeatInterval,
        heartbeatTtl,
        lockWatchdogTimeout,
        pollTimeout,
        shutdownGrace,
        gitTimeout,
        redisTimeout,
        kafkaTimeout,
        identity,
        defaultImage);
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
