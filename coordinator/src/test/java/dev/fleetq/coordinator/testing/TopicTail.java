package dev.fleetq.coordinator.testing;

import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything written to one topic so far, read from the beginning of every partition by a consumer
 * without a group. Each call reads what arrived since the last one.
 *
 * <p>Not thread-safe: use it from the test thread, with Awaitility's {@code pollInSameThread()}.
 */
public final class TopicTail implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(50);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  TopicTail(String bootstrapServers, String topic) {
    Map<String, Object> config = new HashMap<>(ClientConfigs.consumer(bootstrapServers));
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    consumer = new KafkaConsumer<>(config);
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Every record so far, in arrival order per partition. */
  public List<ConsumerRecord<byte[], byte[]>> records() {
    consumer.poll(POLL).forEach(records::add);
    return List.copyOf(records);
  }

  /** Every event so far, for the events topic. */
  public List<Event> events() {
    return records().stream().map(r -> Json.decode(r.value(), Event.class)).toList();
  }

  /** Every unit event so far, for the events topic. */
  public List<UnitEvent> unitEvents() {
    return events().stream()
        .filter(UnitEvent.class::isInstance)
        .map(UnitEvent.class::cast)
        .toList();
  }

  /** Every job event so far, for the events topic. */
  public List<JobEvent> jobEvents() {
    return events().stream().filter(JobEvent.class::isInstance).map(JobEvent.class::cast).toList();
  }

  /** Every work unit so far, for the units topic. */
  public List<WorkUnit> units() {
    return records().stream().map(r -> Json.decode(r.value(), WorkUnit.class)).toList();
  }

  /** A header of a record as text, or null. */
  public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** A record's key as text, or null. */
  public static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(ClientConfigs.CLOSE_TIMEOUT));
  }
}
