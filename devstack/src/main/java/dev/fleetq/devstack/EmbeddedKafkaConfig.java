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
 * @param ports the broker's and the controller's ports, kept across restarts so that clients find
 *     the broker again; empty means free ports picked at start
 * @param startupTimeout how long start may take, until the broker answers a client
 * @param shutdownTimeout how long close may take
 */
public record EmbeddedKafkaConfig(
    Optional<Path> dataDir,
    Duration shareRecordLockDuration,
    Optional<Ports> ports,
    Duration startupTimeout,
    Duration shutdownTimeout) {

  /** The broker's client port and its controller's port, both on loopback. */
  public record Ports(int broker, int controller) {
    public Ports {
      if (broker <= 0 || controller <= 0 || broker == controller) {
        throw new IllegalArgumentException(
            "ports must be two different positive numbers, were " + broker + ", " + controller);
      }
    }
  }

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
    Objects.requireNonNull(ports, "ports");
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
        Optional.empty(),
        DEFAULT_STARTUP_TIMEOUT,
        DEFAULT_SHUTDOWN_TIMEOUT);
  }

  public EmbeddedKafkaConfig withDataDir(Path dir) {
    return new EmbeddedKafkaConfig(
        Optional.of(dir), shareRecordLockDuration, ports, startupTimeout, shutdownTimeout);
  }

  /** The same broker on fixed ports, as one that restarts on its data directory needs. */
  public EmbeddedKafkaConfig withPorts(int broker, int controller) {
    return new EmbeddedKafkaConfig(
        dataDir,
        shareRecordLockDuration,
        Optional.of(new Ports(broker, controller)),
        startupTimeout,
        shutdownTimeout);
  }

  public EmbeddedKafkaConfig withShareRecordLockDuration(Duration duration) {
    return new EmbeddedKafkaConfig(dataDir, duration, ports, startupTimeout, shutdownTimeout);
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
