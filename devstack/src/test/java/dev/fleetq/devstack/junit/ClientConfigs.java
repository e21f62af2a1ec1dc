package dev.fleetq.devstack.junit;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client configurations for tests against the embedded broker: string keys and values, and
 * timeouts short enough that a test fails in seconds rather than hanging.
 *
 * <p>Stateless and thread-safe; each call returns a new immutable map.
 */
public final class ClientConfigs {
  /** The bound on every admin call made by the test fixtures. */
  public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** The bound for closing a client the fixtures made. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private ClientConfigs() {}

  public static Map<String, Object> admin(String bootstrapServers) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) ADMIN_TIMEOUT.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        10_000);
  }

  /** An idempotent producer that waits for the broker's acknowledgement of every record. */
  public static Map<String, Object> producer(String bootstrapServers) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        10_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        30_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        10_000,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        StringSerializer.class);
  }

  /** A consumer without a group, for {@code assign} and {@code seekToBeginning}. */
  public static Map<String, Object> consumer(String bootstrapServers) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
        false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest",
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        10_000,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        StringDeserializer.class);
  }

  /**
   * A share group member as fleetq's workers run it: one record per poll, acknowledged explicitly.
   *
   * @param clientId names the member in broker logs and in assertions
   */
  public static Map<String, Object> shareConsumer(
      String bootstrapServers, String groupId, String clientId) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG,
        groupId,
        ConsumerConfig.CLIENT_ID_CONFIG,
        clientId,
        ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG,
        "explicit",
        ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG,
        "record_limit",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
        1,
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        10_000,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        StringDeserializer.class);
  }
}
