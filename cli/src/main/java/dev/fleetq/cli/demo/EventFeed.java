package dev.fleetq.cli.demo;

import dev.fleetq.model.unit.Event;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the events topic from the beginning, without a consumer group, and folds every event into a
 * {@link Tally}. The consumer lives on one thread, {@code fleetq-demo-events}, started by {@link
 * #start} and stopped by {@link #close}.
 */
final class EventFeed implements AutoCloseable {
  static final Duration POLL = Duration.ofMillis(200);
  static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrapServers;
  private final String topic;
  private final Tally tally;
  private final Thread thread;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile boolean running = true;

  EventFeed(String bootstrapServers, String topic, Tally tally) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.tally = tally;
    this.thread = new Thread(this::run, "fleetq-demo-events");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      List<TopicPartition> partitions =
          c.partitionsFor(topic, METADATA_TIMEOUT).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
          fold(record);
        }
      }
    } catch (WakeupException e) {
      // close() asked the poll to end.
    }
  }

  private void fold(ConsumerRecord<String, byte[]> record) {
    try {
      tally.apply(Json.decode(record.value(), Event.class));
    } catch (InvalidMessageException e) {
      // Not an event the demo understands; the coordinator dead-letters what matters.
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(JOIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
