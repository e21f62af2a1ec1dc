package dev.fleetq.coordinator.gate;

import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link MergeGate} runs: where it reads requests, keeps its mirrors, and how long each of
 * its steps may take. Immutable and thread-safe.
 *
 * @param bootstrapServers the Kafka cluster the gate topic lives on
 * @param topics the topic names
 * @param keys the Redis key names
 * @param groupId the consumer group whose partition ownership makes one gate own each repository
 * @param workDir where the gate keeps its bare mirrors, scratch worktrees and suite logs; absolute
 * @param pollTimeout how long one poll of the gate topic waits for records
 * @param sendTimeout how long the gate waits for the broker to acknowledge an event
 * @param commitTimeout how long one offset commit may take
 * @param landAttempts how often one request is merged and tested again because main moved under its
 *     push, before it is refused
 * @param failureAttempts how often a request that failed for an unexpected reason (Redis or the
 *     origin unreachable) is tried before it is dead-lettered
 * @param failureBackoff the pause between two such tries
 * @param threads how many repositories the gate tests at once
 * @param closeTimeout how long {@link MergeGate#close()} lets the requests in flight finish before
 *     it kills their test runs; they are then redelivered to the next owner
 */
public record GateConfig(
    String bootstrapServers,
    Topics topics,
    RedisKeys keys,
    String groupId,
    Path workDir,
    Duration pollTimeout,
    Duration sendTimeout,
    Duration commitTimeout,
    int landAttempts,
    int failureAttempts,
    Duration failureBackoff,
    int threads,
    Duration closeTimeout) {

  /** The consumer group of a standard installation. */
  public static final String DEFAULT_GROUP_ID = "fleetq-gate";

  /** The default {@link #pollTimeout()}: short, so that finished requests commit promptly. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(200);

  /** The default {@link #sendTimeout()}. */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

  /** The default {@link #commitTimeout()}. */
  public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(10);

  /** The default {@link #landAttempts()}. */
  public static final int DEFAULT_LAND_ATTEMPTS = 3;

  /** The default {@link #failureAttempts()}. */
  public static final int DEFAULT_FAILURE_ATTEMPTS = 5;

  /** The default {@link #failureBackoff()}. */
  public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(5);

  /** The default {@link #threads()}. */
  public static final int DEFAULT_THREADS = 2;

  /** The default {@link #closeTimeout()}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Checks every field. */
  public GateConfig {
    requireText(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(keys, "keys");
    requireText(groupId, "groupId");
    Objects.requireNonNull(workDir, "workDir");
    if (!workDir.isAbsolute()) {
      throw new IllegalArgumentException("workDir must be absolute, got " + workDir);
    }
    requirePositive(pollTimeout, "pollTimeout");
    requirePositive(sendTimeout, "sendTimeout");
    requirePositive(commitTimeout, "commitTimeout");
    requireAtLeastOne(landAttempts, "landAttempts");
    requireAtLeastOne(failureAttempts, "failureAttempts");
    requirePositive(failureBackoff, "failureBackoff");
    requireAtLeastOne(threads, "threads");
    requirePositive(closeTimeout, "closeTimeout");
  }

  /** The standard configuration: default topics, keys, group and timeouts. */
  public static GateConfig defaults(String bootstrapServers, Path workDir) {
    return new GateConfig(
        bootstrapServers,
        Topics.DEFAULT,
        RedisKeys.DEFAULT,
        DEFAULT_GROUP_ID,
        workDir,
        DEFAULT_POLL_TIMEOUT,
        DEFAULT_SEND_TIMEOUT,
        DEFAULT_COMMIT_TIMEOUT,
        DEFAULT_LAND_ATTEMPTS,
        DEFAULT_FAILURE_ATTEMPTS,
        DEFAULT_FAILURE_BACKOFF,
        DEFAULT_THREADS,
        DEFAULT_CLOSE_TIMEOUT);
  }

  /** The same configuration with other topic and key names and consumer group, as tests use. */
  public GateConfig withNames(Topics newTopics, RedisKeys newKeys, String newGroupId) {
    return new GateConfig(
        bootstrapServers,
        newTopics,
        newKeys,
        newGroupId,
        workDir,
        pollTimeout,
        sendTimeout,
        commitTimeout,
        landAttempts,
        failureAttempts,
        failureBackoff,
        threads,
        closeTimeout);
  }

  /** The same configuration with another retry policy for unexpected failures. */
  public GateConfig withFailurePolicy(int attempts, Duration backoff) {
    return new GateConfig(
        bootstrapServers,
        topics,
        keys,
        groupId,
        workDir,
        pollTimeout,
        sendTimeout,
        commitTimeout,
        landAttempts,
        attempts,
        backoff,
        threads,
        closeTimeout);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void requireAtLeastOne(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}
