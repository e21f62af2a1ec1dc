package dev.fleetq.devstack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything fleetq needs to run on one machine without setup: an {@link EmbeddedKafka} broker and
 * an {@link EmbeddedRedis} server, started together and closed together.
 *
 * <p>Used by {@code fleetq local} and {@code fleetq demo}, and by every module's tests through the
 * test-jar's {@code DevStackExtension}. Thread-safe: the accessors may be called from any thread
 * and {@link #close()} is idempotent.
 */
public final class DevStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevStack.class);

  private final EmbeddedKafka kafka;
  private final EmbeddedRedis redis;

  private DevStack(EmbeddedKafka kafka, EmbeddedRedis redis) {
    this.kafka = kafka;
    this.redis = redis;
  }

  /**
   * Starts Redis, then Kafka, each within its own startup timeout; if either fails, the other is
   * closed.
   *
   * @throws DevStackException if a server does not come up in time
   */
  public static DevStack start(DevStackConfig config) {
    EmbeddedRedis redis = EmbeddedRedis.create(config.redis());
    try {
      redis.start();
      EmbeddedKafka kafka = EmbeddedKafka.start(config.kafka());
      log.info("devstack up: Kafka on {}, Redis on {}", kafka.bootstrapServers(), redis.uri());
      return new DevStack(kafka, redis);
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedRedis redis() {
    return redis;
  }

  /** Shorthand for {@code kafka().bootstrapServers()}. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Shorthand for {@code redis().uri()}. */
  public String redisUri() {
    return redis.uri();
  }

  /** Closes Kafka, then Redis, each within its own shutdown timeout. */
  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      redis.close();
    }
  }
}
