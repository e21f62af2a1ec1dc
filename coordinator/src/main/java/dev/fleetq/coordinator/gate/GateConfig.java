package dev.fleetq.coordinator.gate;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What only the {@link MergeGate} needs to know; everything it shares with the coordinator's core
 * (the Kafka cluster, topic and key names, timeouts, the work directory) comes from the
 * coordinator's configuration. Immutable and thread-safe.
 *
 * @param groupId the consumer group whose partition ownership makes one gate own each repository
 * @param landAttempts how often one request is merged and tested again because main moved under its
 *     push, before it is refused
 * @param failureAttempts how often a request that failed for an unexpected reason (Redis or the
 *     origin unreachable) is tried before it is dead-lettered
 * @param failureBackoff the pause between two such tries
 * @param parallelRuns how many suite runs the gate has in flight on the executors at once: today
 *     one per repository whose batch it is deciding, so also how many repositories it decides at
 *     once; each run waits for an executor, so more runs than the fleet's suite slots only queue
 * @param testGlobs paths of test files, which a unit may change only when its job allows test edits
 *     ({@link PathGlobs} syntax)
 * @param protectedGlobs paths a unit may change only when its job allows it: CI configuration,
 *     fleetq's own files and secrets
 * @param flakeReruns how often the suite runs again, on the same merge, when a test regresses; a
 *     test that passes in one of those runs is flaky and blames no one; 0 turns re-runs off
 * @param minBatch the smallest batch a repository's size falls to after failed batches
 * @param maxBatch how many queued requests of a repository the gate merges and tests together at
 *     most; a repository starts there, and its size adapts in between ({@link BatchSizes})
 * @param maxWait how long the gate keeps collecting requests of a partition after the first one
 *     arrived, while no repository among them has its batch size of requests, before it decides
 *     them as a batch; waiting lets candidates pushed a little apart share one suite run. {@link
 *     Duration#ZERO} is allowed and means "do not wait": a batch is what one poll returned
 * @param keepBranches whether the candidates' branches ({@code fleetq/{job}/{unit}/a{n}}) stay in
 *     the origin after their verdict; by default the gate deletes them once the verdict is reported
 */
public record GateConfig(
    String groupId,
    int landAttempts,
    int failureAttempts,
    Duration failureBackoff,
    int parallelRuns,
    List<String> testGlobs,
    List<String> protectedGlobs,
    int flakeReruns,
    int minBatch,
    int maxBatch,
    Duration maxWait,
    boolean keepBranches) {

  /** The consumer group of a standard installation. */
  public static final String DEFAULT_GROUP_ID = "fleetq-gate";

  /** The default {@link #landAttempts()}. */
  public static final int DEFAULT_LAND_ATTEMPTS = 3;

  /** The default {@link #failureAttempts()}. */
  public static final int DEFAULT_FAILURE_ATTEMPTS = 5;

  /** The default {@link #failureBackoff()}. */
  public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(5);

  /**
   * The default {@link #parallelRuns()}: the coordinator only waits on them, the executors run
   * them.
   */
  public static final int DEFAULT_PARALLEL_RUNS = 4;

  /** The default {@link #testGlobs()}. */
  public static final List<String> DEFAULT_TEST_GLOBS =
      List.of(
          "**/test/**",
          "**/tests/**",
          "**/*Test.java",
          "**/*_test.*",
          "**/test_*.py",
          "**/*.test.*",
          "**/*.spec.*");

  /** The default {@link #protectedGlobs()}. */
  public static final List<String> DEFAULT_PROTECTED_GLOBS =
      List.of(
          ".github/**",
          ".gitlab-ci.yml",
          ".ci/**",
          ".fleetq/**",
          "**/.env*",
          "**/credentials*",
          "**/*.pem",
          "**/id_rsa*");

  /** The default {@link #flakeReruns()}. */
  public static final int DEFAULT_FLAKE_RERUNS = 2;

  /** The default {@link #minBatch()}. */
  public static final int DEFAULT_MIN_BATCH = 1;

  /** The default {@link #maxBatch()}. */
  public static final int DEFAULT_MAX_BATCH = 16;

  /**
   * The default {@link #maxWait()}: short next to a suite run, long enough for a few workers that
   * finish together to share one.
   */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);

  /** The longest {@link #maxWait()}: requests wait uncommitted in the gate's memory meanwhile. */
  public static final Duration MAX_MAX_WAIT = Duration.ofMinutes(10);

  /**
   * Checks every field; zero is an error, never a default (a zero {@code maxWait} does not wait).
   */
  public GateConfig {
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("groupId must not be blank");
    }
    requireAtLeastOne(landAttempts, "landAttempts");
    requireAtLeastOne(failureAttempts, "failureAttempts");
    Objects.requireNonNull(failureBackoff, "failureBackoff");
    if (failureBackoff.isNegative() || failureBackoff.isZero()) {
      throw new IllegalArgumentException("failureBackoff must be positive, got " + failureBackoff);
    }
    requireAtLeastOne(parallelRuns, "parallelRuns");
    testGlobs = PathGlobs.of("testGlobs", testGlobs).globs();
    protectedGlobs = PathGlobs.of("protectedGlobs", protectedGlobs).globs();
    if (flakeReruns < 0) {
      throw new IllegalArgumentException("flakeReruns must not be negative, got " + flakeReruns);
    }
    requireAtLeastOne(minBatch, "minBatch");
    if (maxBatch < minBatch) {
      throw new IllegalArgumentException(
          "maxBatch must be at least minBatch (" + minBatch + "), got " + maxBatch);
    }
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative() || maxWait.compareTo(MAX_MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          "maxWait must be from PT0S (do not wait) to " + MAX_MAX_WAIT + ", got " + maxWait);
    }
  }

  /** The standard configuration. */
  public static GateConfig defaults() {
    return new GateConfig(
        DEFAULT_GROUP_ID,
        DEFAULT_LAND_ATTEMPTS,
        DEFAULT_FAILURE_ATTEMPTS,
        DEFAULT_FAILURE_BACKOFF,
        DEFAULT_PARALLEL_RUNS,
        DEFAULT_TEST_GLOBS,
        DEFAULT_PROTECTED_GLOBS,
        DEFAULT_FLAKE_RERUNS,
        DEFAULT_MIN_BATCH,
        DEFAULT_MAX_BATCH,
        DEFAULT_MAX_WAIT,
        false);
  }

  /** The same configuration with another consumer group, as tests use. */
  public GateConfig withGroupId(String newGroupId) {
    return new GateConfig(
        newGroupId,
        landAttempts,
        failureAttempts,
        failureBackoff,
        parallelRuns,
        testGlobs,
        protectedGlobs,
        flakeReruns,
        minBatch,
        maxBatch,
        maxWait,
        keepBranches);
  }

  /** The same configuration with another retry policy for unexpected failures. */
  public GateConfig withFailurePolicy(int attempts, Duration backoff) {
    return new GateConfig(
        groupId,
        landAttempts,
        attempts,
        backoff,
        parallelRuns,
        testGlobs,
        protectedGlobs,
        flakeReruns,
        minBatch,
        maxBatch,
        maxWait,
        keepBranches);
  }

  /** The same configuration with other test and protected paths; empty lists turn a check off. */
  public GateConfig withPathGlobs(List<String> newTestGlobs, List<String> newProtectedGlobs) {
    return new GateConfig(
        groupId,
        landAttempts,
        failureAttempts,
        failureBackoff,
        parallelRuns,
        newTestGlobs,
        newProtectedGlobs,
        flakeReruns,
        minBatch,
        maxBatch,
        maxWait,
        keepBranches);
  }

  /** The same configuration with another number of re-runs of a regressed suite. */
  public GateConfig withFlakeReruns(int reruns) {
    return new GateConfig(
        groupId,
        landAttempts,
        failureAttempts,
        failureBackoff,
        parallelRuns,
        testGlobs,
        protectedGlobs,
        reruns,
        minBatch,
        maxBatch,
        maxWait,
        keepBranches);
  }

  /** The same configuration with other bounds of the batch size. */
  public GateConfig withBatchSizes(int min, int max) {
    return new GateConfig(
        groupId,
        landAttempts,
        failureAttempts,
        failureBackoff,
        parallelRuns,
        testGlobs,
        protectedGlobs,
        flakeReruns,
        min,
        max,
        maxWait,
        keepBranches);
  }

  /** The same configuration, keeping the candidates' branches in the origin or not. */
  public GateConfig withKeepBranches(boolean keep) {
    return new GateConfig(
        groupId,
        landAttempts,
        failureAttempts,
        failureBackoff,
        parallelRuns,
        testGlobs,
        protectedGlobs,
        flakeReruns,
        minBatch,
        maxBatch,
        maxWait,
        keep);
  }

  /** The same configuration with {@code runs} suite runs in flight at once. */
  public GateConfig withParallelRuns(int runs) {
    return new GateConfig(
        groupId,
        landAttempts,
        failureAttempts,
        failureBackoff,
        runs,
        testGlobs,
        protectedGlobs,
        flakeReruns,
        minBatch,
        maxBatch,
        maxWait,
        keepBranches);
  }

  /**
   * The same configuration with another wait for more requests; {@link Duration#ZERO} does not
   * wait.
   */
  public GateConfig withMaxWait(Duration wait) {
    return new GateConfig(
        groupId,
        landAttempts,
        failureAttempts,
        failureBackoff,
        parallelRuns,
        testGlobs,
        protectedGlobs,
        flakeReruns,
        minBatch,
        maxBatch,
        wait,
        keepBranches);
  }

  private static void requireAtLeastOne(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}
