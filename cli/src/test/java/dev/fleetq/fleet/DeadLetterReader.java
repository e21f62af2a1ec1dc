package dev.fleetq.fleet;

import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.model.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the dead-letter topic from the beginning. Not thread-safe; owned by the test thread. */
final class DeadLetterReader implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<String> errors = new ArrayList<>();

  DeadLetterReader(String bootstrapServers, String topic) {
    consumer =
        new KafkaConsumer<>(
            ClientConfigs.consumer(bootstrapServers),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** The error header of every dead letter so far. */
  List<String> errors() {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      Header error = record.headers().lastHeader(DeadLetterHeaders.ERROR);
      errors.add(error == null ? "" : new String(error.value(), StandardCharsets.UTF_8));
    }
    return List.copyOf(errors);
  }

  @Override
  public void close() {
    consumer.close(ClientConfigs.CLOSE_TIMEOUT);
  }
}
