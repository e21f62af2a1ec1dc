package dev.fleetq.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the embedded Redis server.
 *
 * <p>Immutable and thread-safe.
 *
 * @param binary which {@code redis-server} to run
 * @param startupTimeout how long a start or restart may take, until the server answers PING
 * @param shutdownTimeout how long a stop may take before the process is killed
 * @param dataDir where the server keeps an append-only file, fsynced on every write, so that a
 *     restart on the same directory loses nothing; empty for a server that keeps nothing
 */
public record EmbeddedRedisConfig(
    RedisBinary binary, Duration startupTimeout, Duration shutdownTimeout, Optional<Path> dataDir) {

  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** Which {@code redis-server} executable to run. */
  public enum RedisBinary {
    /** The {@code redis-server} on the PATH, or the bundled one where none is installed. */
    INSTALLED_OR_BUNDLED,
    /** Always the binary bundled in the {@code embedded-redis} jar. */
    BUNDLED
  }

  public EmbeddedRedisConfig {
    Objects.requireNonNull(binary, "binary");
    EmbeddedKafkaConfig.requirePositive("startupTimeout", startupTimeout);
    EmbeddedKafkaConfig.requirePositive("shutdownTimeout", shutdownTimeout);
    dataDir = dataDir.map(dir -> dir.toAbsolutePath().normalize());
  }

  public static EmbeddedRedisConfig defaults() {
    return new EmbeddedRedisConfig(
        RedisBinary.INSTALLED_OR_BUNDLED,
        DEFAULT_STARTUP_TIMEOUT,
        DEFAULT_SHUTDOWN_TIMEOUT,
        Optional.empty());
  }

  public EmbeddedRedisConfig withBinary(RedisBinary newBinary) {
    return new EmbeddedRedisConfig(newBinary, startupTimeout, shutdownTimeout, dataDir);
  }

  public EmbeddedRedisConfig withDataDir(Path newDataDir) {
    return new EmbeddedRedisConfig(
        binary, startupTimeout, shutdownTimeout, Optional.of(newDataDir));
  }
}
