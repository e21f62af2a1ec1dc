package dev.fleetq.coordinator.kafka;

import dev.fleetq.coordinator.CoordinatorConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds the coordinator's Kafka clients from its configuration. Keys and values travel as bytes:
 * the coordinator encodes with {@code Json} itself, and a record it rejects goes to the dead-letter
 * topic with its original bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class KafkaClients {
  /** How long a request to one broker may take; below every overall timeout. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long a group waits for a member that stopped heartbeating, such as a coordinator killed
   * without leaving its groups, before it hands that member's partitions (a repository's gate) to
   * another: 10 s rather than Kafka's 45 s, so that a restarted coordinator decides again soon.
   */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(3);

  private KafkaClients() {}

  /**
   * The one producer the coordinator shares between its components: idempotent, acknowledged by
   * every in-sync replica, and bounded in how long it blocks and retries.
   */
  public static KafkaProducer<byte[], byte[]> producer(CoordinatorConfig config, String clientId) {
    long delivery = config.kafkaTimeout().toMillis();
    long request = Math.min(REQUEST_TIMEOUT.toMillis(), delivery);
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, delivery);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(props);
  }

  /**
   * A consumer of a group that commits by hand after it has handled each batch, and starts a new
   * group at the earliest offset so that nothing produced before it first joined is missed. Its
   * session lasts {@link #SESSION_TIMEOUT}.
   */
  public static KafkaConsumer<byte[], byte[]> consumer(
      CoordinatorConfig config, String groupId, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) HEARTBEAT_INTERVAL.toMillis());
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.kafkaTimeout().toMillis());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  /**
   * A consumer in no group, for a reader that assigns itself partitions and keeps no offsets, such
   * as the coordinator's reader of suite results.
   */
  public static KafkaConsumer<byte[], byte[]> reader(CoordinatorConfig config, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.kafkaTimeout().toMillis());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  /** An admin client whose calls are bounded by the Kafka timeout. */
  public static Admin admin(CoordinatorConfig config, String clientId) {
    long api = config.kafkaTimeout().toMillis();
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            config.bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG,
            clientId,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) api,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            (int) Math.min(REQUEST_TIMEOUT.toMillis(), api)));
  }
}
