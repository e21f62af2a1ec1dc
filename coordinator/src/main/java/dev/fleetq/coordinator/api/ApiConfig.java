package dev.fleetq.coordinator.api;

import dev.fleetq.coordinator.state.JobStates;
import dev.fleetq.model.wire.Limits;
import java.time.Duration;
import java.util.Objects;

/**
 * What only the {@link HttpApi} needs to know; the topics, the Kafka cluster and the timeouts of
 * sends, readiness probes and shutdown come from the coordinator's configuration. Immutable and
 * thread-safe.
 *
 * @param host the address to bind, such as {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the port to bind, 0 for a free one (see {@link HttpApi#port()})
 * @param bodyLimit the largest request body in bytes; larger ones get {@code 413}
 * @param defaultListLimit how many jobs {@code GET /v1/jobs} returns without {@code ?limit=}
 * @param maxListLimit the largest {@code ?limit=} accepted, at most {@value JobStates#MAX_LIMIT}
 * @param blockingThreads the size of the worker pool that runs Kafka and Redis calls
 * @param startTimeout how long starting waits for the server to listen
 * @param tokens the bearer tokens every {@code /v1} route requires; {@link ApiTokens#OPEN} requires
 *     none, and {@code /healthz}, {@code /readyz} and {@code /metrics} never do
 */
public record ApiConfig(
    String host,
    int port,
    int bodyLimit,
    int defaultListLimit,
    int maxListLimit,
    int blockingThreads,
    Duration startTimeout,
    ApiTokens tokens) {

  /** The default {@link #port()}. */
  public static final int DEFAULT_PORT = 8080;

  /** The default {@link #bodyLimit()}: what the JSON codec accepts. */
  public static final int DEFAULT_BODY_LIMIT = Limits.MAX_MESSAGE_BYTES;

  /** The default {@link #defaultListLimit()}. */
  public static final int DEFAULT_LIST_LIMIT = 50;

  /** The default {@link #maxListLimit()}. */
  public static final int DEFAULT_MAX_LIST_LIMIT = 1000;

  /** The default {@link #blockingThreads()}. */
  public static final int DEFAULT_BLOCKING_THREADS = 8;

  /** The default {@link #startTimeout()}. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);

  /** Checks every field; zero is an error, never a default, except for the port. */
  public ApiConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    requireAtLeastOne(bodyLimit, "bodyLimit");
    requireAtLeastOne(defaultListLimit, "defaultListLimit");
    requireAtLeastOne(maxListLimit, "maxListLimit");
    if (defaultListLimit > maxListLimit) {
      throw new IllegalArgumentException("defaultListLimit must not exceed maxListLimit");
    }
    if (maxListLimit > JobStates.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "maxListLimit must be at most " + JobStates.MAX_LIMIT + ", got " + maxListLimit);
    }
    requireAtLeastOne(blockingThreads, "blockingThreads");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
    }
    Objects.requireNonNull(tokens, "tokens");
  }

  /** The standard configuration on {@code host:port}, open: no tokens. */
  public static ApiConfig defaults(String host, int port) {
    return new ApiConfig(
        host,
        port,
        DEFAULT_BODY_LIMIT,
        DEFAULT_LIST_LIMIT,
        DEFAULT_MAX_LIST_LIMIT,
        DEFAULT_BLOCKING_THREADS,
        DEFAULT_START_TIMEOUT,
        ApiTokens.OPEN);
  }

  /** The same configuration with another body limit. */
  public ApiConfig withBodyLimit(int newBodyLimit) {
    return new ApiConfig(
        host,
        port,
        newBodyLimit,
        defaultListLimit,
        maxListLimit,
        blockingThreads,
        startTimeout,
        tokens);
  }

  /** The same configuration requiring one of {@code newTokens} on every {@code /v1} route. */
  public ApiConfig withTokens(ApiTokens newTokens) {
    return new ApiConfig(
        host,
        port,
        bodyLimit,
        defaultListLimit,
        maxListLimit,
        blockingThreads,
        startTimeout,
        newTokens);
  }

  private static void requireAtLeastOne(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}
