package dev.fleetq.coordinator.api;

import dev.fleetq.model.wire.Limits;
import dev.fleetq.model.wire.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link HttpApi} serves. Immutable and thread-safe.
 *
 * @param host the address to bind, such as {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the port to bind, 0 for a free one (see {@link HttpApi#port()})
 * @param topics where jobs and cancellations are produced
 * @param bootstrapServers the Kafka cluster, named in errors when it does not answer
 * @param bodyLimit the largest request body in bytes; larger ones get {@code 413}
 * @param sendTimeout how long a request waits for the broker to acknowledge its record
 * @param readinessTimeout how long {@code /readyz} waits for Kafka and for Redis
 * @param defaultListLimit how many jobs {@code GET /v1/jobs} returns without {@code ?limit=}
 * @param maxListLimit the largest {@code ?limit=} accepted
 * @param blockingThreads the size of the worker pool that runs Kafka and Redis calls
 * @param startTimeout how long {@link HttpApi#start()} waits for the server to listen
 * @param closeTimeout how long {@link HttpApi#close()} waits for the server to stop
 */
public record ApiConfig(
    String host,
    int port,
    Topics topics,
    String bootstrapServers,
    int bodyLimit,
    Duration sendTimeout,
    Duration readinessTimeout,
    int defaultListLimit,
    int maxListLimit,
    int blockingThreads,
    Duration startTimeout,
    Duration closeTimeout) {

  /** The default {@link #port()}. */
  public static final int DEFAULT_PORT = 8080;

  /** The default {@link #bodyLimit()}: what the JSON codec accepts. */
  public static final int DEFAULT_BODY_LIMIT = Limits.MAX_MESSAGE_BYTES;

  /** The default {@link #sendTimeout()}. */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);

  /** The default {@link #readinessTimeout()}. */
  public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(2);

  /** The default {@link #defaultListLimit()}. */
  public static final int DEFAULT_LIST_LIMIT = 50;

  /** The default {@link #maxListLimit()}. */
  public static final int DEFAULT_MAX_LIST_LIMIT = 1000;

  /** The default {@link #blockingThreads()}. */
  public static final int DEFAULT_BLOCKING_THREADS = 8;

  /** The default {@link #startTimeout()} and {@link #closeTimeout()}. */
  public static final Duration DEFAULT_LIFECYCLE_TIMEOUT = Duration.ofSeconds(10);

  /** Checks every field. */
  public ApiConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    Objects.requireNonNull(topics, "topics");
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must not be blank");
    }
    requireAtLeastOne(bodyLimit, "bodyLimit");
    requirePositive(sendTimeout, "sendTimeout");
    requirePositive(readinessTimeout, "readinessTimeout");
    requireAtLeastOne(defaultListLimit, "defaultListLimit");
    requireAtLeastOne(maxListLimit, "maxListLimit");
    if (defaultListLimit > maxListLimit) {
      throw new IllegalArgumentException("defaultListLimit must not exceed maxListLimit");
    }
    requireAtLeastOne(blockingThreads, "blockingThreads");
    requirePositive(startTimeout, "startTimeout");
    requirePositive(closeTimeout, "closeTimeout");
  }

  /** The standard configuration on {@code host:port}. */
  public static ApiConfig defaults(String host, int port, String bootstrapServers) {
    return new ApiConfig(
        host,
        port,
        Topics.DEFAULT,
        bootstrapServers,
        DEFAULT_BODY_LIMIT,
        DEFAULT_SEND_TIMEOUT,
        DEFAULT_READINESS_TIMEOUT,
        DEFAULT_LIST_LIMIT,
        DEFAULT_MAX_LIST_LIMIT,
        DEFAULT_BLOCKING_THREADS,
        DEFAULT_LIFECYCLE_TIMEOUT,
        DEFAULT_LIFECYCLE_TIMEOUT);
  }

  /** The same configuration with other topic names, as tests use. */
  public ApiConfig withTopics(Topics newTopics) {
    return new ApiConfig(
        host,
        port,
        newTopics,
        bootstrapServers,
        bodyLimit,
        sendTimeout,
        readinessTimeout,
        defaultListLimit,
        maxListLimit,
        blockingThreads,
        startTimeout,
        closeTimeout);
  }

  /** The same configuration with another body limit. */
  public ApiConfig withBodyLimit(int newBodyLimit) {
    return new ApiConfig(
        host,
        port,
        topics,
        bootstrapServers,
        newBodyLimit,
        sendTimeout,
        readinessTimeout,
        defaultListLimit,
        maxListLimit,
        blockingThreads,
        startTimeout,
        closeTimeout);
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
