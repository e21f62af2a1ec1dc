package dev.fleetq.coordinator.testing;

import dev.fleetq.devstack.junit.ClientConfigs;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/** Kafka and Redis clients as the coordinator's tests use them: short timeouts, few retries. */
public final class TestClients {
  /** The bound on one Redis command. */
  public static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

  private TestClients() {}

  /** A producer of string keys and byte values, as the gate and the HTTP API take. */
  public static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>(ClientConfigs.producer(bootstrapServers));
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(config);
  }

  /** A Redisson client for {@code redisUri}. */
  public static RedissonClient redis(String redisUri) {
    Config config = new Config();
    config.setThreads(2);
    config.setNettyThreads(4);
    config
        .useSingleServer()
        .setAddress(redisUri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(4)
        .setSubscriptionConnectionMinimumIdleSize(0)
        .setConnectTimeout((int) REDIS_TIMEOUT.toMillis())
        .setTimeout((int) REDIS_TIMEOUT.toMillis())
        .setRetryAttempts(1)
        .setRetryDelay(new ConstantDelay(Duration.ofMillis(100)));
    return Redisson.create(config);
  }

  /** Shuts a Redisson client down, bounded. */
  public static void shutdown(RedissonClient redis) {
    redis.shutdown(0, 5, TimeUnit.SECONDS);
  }
}
