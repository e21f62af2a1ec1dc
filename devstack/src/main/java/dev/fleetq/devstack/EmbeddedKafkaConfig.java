package dev.fleetq.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the embedded Kafka broker.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dataDir where the broker keeps its log; kept across restarts. Empty means a temporary
 *     directory that is deleted on close.
 * @param shareRecordLockDuration how long a share group member holds a record it acquired before
 *     the broker hands it to another member (the broker's {@code
 *     group.share.record.lock.duration.ms}); between {@link #MIN_SHARE_RECORD_LOCK_DURATION} and
 *     {@link #MAX_SHARE_RECORD_LOCK_DURATION}
 * @param startupTimeout how long start may take, until the broker answers a client
 * @param shutdownTimeout how long close may take
 */
public record EmbeddedKafkaConfig(
    Optional<Path> dataDir,
    Duration shareRecordLockDuration,
    Duration startupTimeout,
    Duration shutdownTimeout) {

  /** The shortest record lock a share group may ask for; the broker's minimum is set this low. */
  public static final Duration MIN_SHARE_RECORD_LOCK_DURATION = Duration.ofSeconds(1);

  /** The longest record lock a share group may ask for (Kafka's own maximum). */
  public static final Duration MAX_SHARE_RECORD_LOCK_DURATION = Duration.ofSeconds(60);

  /** Kafka's default record lock. */
  public static final Duration DEFAULT_SHARE_RECORD_LOCK_DURATION = Duration.ofSeconds(30);

  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  public EmbeddedKafkaConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    requireBetween(
        "shareRecordLockDuration",
        shareRecordLockDuration,
        MIN_SHARE_RECORD_LOCK_DURATION,
        MAX_SHARE_RECORD_LOCK_DURATION);
    requirePositive("startupTimeout", startupTimeout);
    requirePositive("shutdownTimeout", shutdownTimeout);
  }

  /** A broker in a temporary directory with Kafka's default record lock. */
  public static EmbeddedKafkaConfig defaults() {
    return new EmbeddedKafkaConfig(
        Optional.empty(),
        DEFAULT_SHARE_RECORD_LOCK_DURATION,
        DEFAULT_STARTUP_TIMEOUT,
        DEFAULT_SHUTDOWN_TIMEOUT);
  }

  public EmbeddedKafkaConfig withDataDir(Path dir) {
    return new EmbeddedKafkaConfig(
        Optional.of(dir), shareRecordLockDuration, startupTimeout, shutdownTimeout);
  }

  public EmbeddedKafkaConfig withShareRecordLockDuration(Duration duration) {
    return new EmbeddedKafkaConfig(dataDir, duration, startupTimeout, shutdownTimeout);
  }

  static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void requireBetween(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
  }
}
