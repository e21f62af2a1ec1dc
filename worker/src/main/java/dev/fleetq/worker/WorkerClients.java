package dev.fleetq.worker;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The network clients one worker owns: one producer for events, gate requests and dead letters, the
 * share consumer of the units topic, a Redisson client for leases and state, and an admin client
 * for health checks. Keys and values are raw bytes so that a record that cannot be decoded reaches
 * the dead-letter topic exactly as it came.
 *
 * <p>The {@link Worker} that receives them owns and closes them. The share consumer must only ever
 * be used by the worker's take loop thread; the other clients are thread-safe.
 *
 * @param producer sends to the events, gate and dead-letter topics
 * @param units the share consumer of the units topic, not yet subscribed
 * @param redisson leases, heartbeats and the projected unit state
 * @param admin answers whether Kafka is reachable
 */
public record WorkerClients(
    Producer<byte[], byte[]> producer,
    ShareConsumer<byte[], byte[]> units,
    RedissonClient redisson,
    Admin admin) {

  /** Checks that every client is present. */
  public WorkerClients {
    Objects.requireNonNull(producer, "producer");
    Objects.requireNonNull(units, "units");
    Objects.requireNonNull(redisson, "redisson");
    Objects.requireNonNull(admin, "admin");
  }

  /** Connects the clients that {@code config} describes. */
  public static WorkerClients connect(WorkerConfig config) {
    String clientId = "fleetq-worker-" + config.workerId();
    int kafkaMillis = millis(config.kafkaTimeout());
    Producer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG,
                clientId,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                kafkaMillis,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                kafkaMillis,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                kafkaMillis + 1,
                ProducerConfig.LINGER_MS_CONFIG,
                0),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    ShareConsumer<byte[], byte[]> units =
        shareConsumer(config, config.topics().workerShareGroup(), clientId);
    RedissonClient redisson;
    try {
      redisson = Redisson.create(redissonConfig(config));
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      units.close(Duration.ZERO);
      throw e;
    }
    Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                clientId + "-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                kafkaMillis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                kafkaMillis));
    return new WorkerClients(producer, units, redisson, admin);
  }

  /**
   * A share consumer as the worker's take loop and suite executor use one: a member of {@code
   * group} that acquires one record per poll and acknowledges each explicitly, not yet subscribed.
   * Whoever makes it owns it, on one thread, and closes it.
   */
  public static ShareConsumer<byte[], byte[]> shareConsumer(
      WorkerConfig config, String group, String clientId) {
    return new KafkaShareConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            config.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.CLIENT_ID_CONFIG,
            clientId,
            ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG,
            "explicit",
            ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG,
            "record_limit",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            1,
            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            millis(config.kafkaTimeout())),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Closes the clients that every thread shares; the share consumer is closed by its thread. */
  void closeShared(Duration timeout) {
    producer.close(timeout);
    admin.close(timeout);
    redisson.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Config redissonConfig(WorkerConfig config) {
    Config redisson = new Config();
    redisson.setLockWatchdogTimeout(config.lockWatchdogTimeout().toMillis());
    redisson
        .useSingleServer()
        .setAddress(config.redisUri())
        .setClientName("fleetq-worker-" + config.workerId())
        .setConnectTimeout(millis(config.redisTimeout()))
        .setTimeout(millis(config.redisTimeout()))
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(Math.max(4, (config.slots() + config.suiteSlots()) * 2))
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(2);
    return redisson;
  }

  private static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
  }
}
