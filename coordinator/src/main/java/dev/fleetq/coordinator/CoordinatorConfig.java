package dev.fleetq.coordinator;

import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the coordinator's core needs to know, in one immutable record. Defaults are named
 * constants; {@link #defaults} fills them in and the {@code with...} methods vary them. Reading the
 * environment or flags happens elsewhere (the CLI), exactly once.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bootstrapServers the Kafka cluster, such as {@code localhost:9092}
 * @param redisUri the Redis server, such as {@code redis://localhost:6379}
 * @param topics the names of the seven topics and of the share groups
 * @param keys the names of the Redis keys
 * @param intakeGroup the consumer group of job intake
 * @param projectorGroup the consumer group of the event projector
 * @param workDir a directory of the coordinator's own, where planning clones repositories
 * @param unitsPartitions partitions of the units topic, when the coordinator creates it: few, so
 *     that several workers share each partition
 * @param planners how many jobs are planned at once (threads cloning and running tests)
 * @param planQueue how many accepted jobs may wait for a planner before intake pauses
 * @param pollTimeout how long one Kafka poll waits for records
 * @param kafkaTimeout the bound on one Kafka call: a send until acknowledged, an admin call, a
 *     commit
 * @param redisTimeout the bound on one Redis command
 * @param probeTimeout the bound on one readiness probe of Kafka or Redis
 * @param retryBackoff how long a consumer waits before retrying a record that failed transiently
 * @param gitTimeout the bound on one git command, such as the planner's clone
 * @param reaperInterval how often the lease reaper scans running units
 * @param reaperGrace how long a unit's lease must stay free before the reaper retries the unit
 * @param leaderLease how long the reaper's leadership outlives a coordinator that stops renewing it
 * @param shutdownTimeout the bound on stopping each component
 */
public record CoordinatorConfig(
    String bootstrapServers,
    String redisUri,
    Topics topics,
    RedisKeys keys,
    String intakeGroup,
    String projectorGroup,
    Path workDir,
    int unitsPartitions,
    int planners,
    int planQueue,
    Duration pollTimeout,
    Duration kafkaTimeout,
    Duration redisTimeout,
    Duration probeTimeout,
    Duration retryBackoff,
    Duration gitTimeout,
    Duration reaperInterval,
    Duration reaperGrace,
    Duration leaderLease,
    Duration shutdownTimeout) {

  /** The consumer group of job intake in a standard installation. */
  public static final String DEFAULT_INTAKE_GROUP = "fleetq-coordinator";

  /** The consumer group of the projector in a standard installation. */
  public static final String DEFAULT_PROJECTOR_GROUP = "fleetq-projector";

  /**
   * One partition: Kafka's share-group assignor hands each partition to only some of the workers,
   * and with two partitions and two workers a quick unit was measured waiting behind a busy worker.
   * With one, every worker sees every unit, which is what keeps units flowing to free workers.
   */
  public static final int DEFAULT_UNITS_PARTITIONS = 1;

  public static final int DEFAULT_PLANNERS = 2;
  public static final int DEFAULT_PLAN_QUEUE = 16;
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
  public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_GIT_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REAPER_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REAPER_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_LEADER_LEASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** Checks every field; a zero or negative duration or count is an error, never a default. */
  public CoordinatorConfig {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(redisUri, "redisUri");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(keys, "keys");
    requireText(intakeGroup, "intakeGroup");
    requireText(projectorGroup, "projectorGroup");
    Objects.requireNonNull(workDir, "workDir");
    requirePositive(unitsPartitions, "unitsPartitions");
    requirePositive(planners, "planners");
    requirePositive(planQueue, "planQueue");
    requirePositive(pollTimeout, "pollTimeout");
    requirePositive(kafkaTimeout, "kafkaTimeout");
    requirePositive(redisTimeout, "redisTimeout");
    requirePositive(probeTimeout, "probeTimeout");
    requirePositive(retryBackoff, "retryBackoff");
    requirePositive(gitTimeout, "gitTimeout");
    requirePositive(reaperInterval, "reaperInterval");
    requirePositive(reaperGrace, "reaperGrace");
    requirePositive(leaderLease, "leaderLease");
    requirePositive(shutdownTimeout, "shutdownTimeout");
  }

  /** A standard installation's configuration: default topics, keys, groups and timings. */
  public static CoordinatorConfig defaults(String bootstrapServers, String redisUri, Path workDir) {
    return new CoordinatorConfig(
        bootstrapServers,
        redisUri,
        Topics.DEFAULT,
        RedisKeys.DEFAULT,
        DEFAULT_INTAKE_GROUP,
        DEFAULT_PROJECTOR_GROUP,
        workDir,
        DEFAULT_UNITS_PARTITIONS,
        DEFAULT_PLANNERS,
        DEFAULT_PLAN_QUEUE,
        DEFAULT_POLL_TIMEOUT,
        DEFAULT_KAFKA_TIMEOUT,
        DEFAULT_REDIS_TIMEOUT,
        DEFAULT_PROBE_TIMEOUT,
        DEFAULT_RETRY_BACKOFF,
        DEFAULT_GIT_TIMEOUT,
        DEFAULT_REAPER_INTERVAL,
        DEFAULT_REAPER_GRACE,
        DEFAULT_LEADER_LEASE,
        DEFAULT_SHUTDOWN_TIMEOUT);
  }

  /** The same configuration with its own topics, keys and consumer groups. */
  public CoordinatorConfig withNames(
      Topics newTopics, RedisKeys newKeys, String newIntakeGroup, String newProjectorGroup) {
    return new CoordinatorConfig(
        bootstrapServers,
        redisUri,
        newTopics,
        newKeys,
        newIntakeGroup,
        newProjectorGroup,
        workDir,
        unitsPartitions,
        planners,
        planQueue,
        pollTimeout,
        kafkaTimeout,
        redisTimeout,
        probeTimeout,
        retryBackoff,
        gitTimeout,
        reaperInterval,
        reaperGrace,
        leaderLease,
        shutdownTimeout);
  }

  /** The same configuration with another number of planner threads and queued jobs. */
  public CoordinatorConfig withPlanning(int newPlanners, int newPlanQueue) {
    return new CoordinatorConfig(
        bootstrapServers,
        redisUri,
        topics,
        keys,
        intakeGroup,
        projectorGroup,
        workDir,
        unitsPartitions,
        newPlanners,
        newPlanQueue,
        pollTimeout,
        kafkaTimeout,
        redisTimeout,
        probeTimeout,
        retryBackoff,
        gitTimeout,
        reaperInterval,
        reaperGrace,
        leaderLease,
        shutdownTimeout);
  }

  /** The same configuration with other consumer timings. */
  public CoordinatorConfig withPolling(Duration newPollTimeout, Duration newRetryBackoff) {
    return new CoordinatorConfig(
        bootstrapServers,
        redisUri,
        topics,
        keys,
        intakeGroup,
        projectorGroup,
        workDir,
        unitsPartitions,
        planners,
        planQueue,
        newPollTimeout,
        kafkaTimeout,
        redisTimeout,
        probeTimeout,
        newRetryBackoff,
        gitTimeout,
        reaperInterval,
        reaperGrace,
        leaderLease,
        shutdownTimeout);
  }

  /** The same configuration with other lease reaper timings. */
  public CoordinatorConfig withReaper(Duration interval, Duration grace, Duration lease) {
    return new CoordinatorConfig(
        bootstrapServers,
        redisUri,
        topics,
        keys,
        intakeGroup,
        projectorGroup,
        workDir,
        unitsPartitions,
        planners,
        planQueue,
        pollTimeout,
        kafkaTimeout,
        redisTimeout,
        probeTimeout,
        retryBackoff,
        gitTimeout,
        interval,
        grace,
        lease,
        shutdownTimeout);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
