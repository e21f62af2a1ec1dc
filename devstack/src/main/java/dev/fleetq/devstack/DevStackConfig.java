package dev.fleetq.devstack;

import java.util.Objects;

/**
 * How to run the development stack: one Kafka broker and one Redis server.
 *
 * <p>Immutable and thread-safe.
 */
public record DevStackConfig(EmbeddedKafkaConfig kafka, EmbeddedRedisConfig redis) {

  public DevStackConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(redis, "redis");
  }

  public static DevStackConfig defaults() {
    return new DevStackConfig(EmbeddedKafkaConfig.defaults(), EmbeddedRedisConfig.defaults());
  }

  public DevStackConfig withKafka(EmbeddedKafkaConfig newKafka) {
    return new DevStackConfig(newKafka, redis);
  }

  public DevStackConfig withRedis(EmbeddedRedisConfig newRedis) {
    return new DevStackConfig(kafka, newRedis);
  }
}
