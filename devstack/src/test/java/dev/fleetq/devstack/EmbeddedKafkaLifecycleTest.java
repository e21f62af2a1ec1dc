package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test starts and closes brokers of its own, apart from the shared devstack. */
class EmbeddedKafkaLifecycleTest {
  private static final String TOPIC = "fleetq.jobs";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void recordProducedBeforeARestartOnTheSameDataDirIsConsumedAfterIt(@TempDir Path dataDir)
      throws Exception {
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults().withDataDir(dataDir);
    try (EmbeddedKafka first = EmbeddedKafka.start(config)) {
      Topics.create(first.bootstrapServers(), TOPIC, 1);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(ClientConfigs.producer(first.bootstrapServers()))) {
        producer.send(new ProducerRecord<>(TOPIC, "job-1", "survives")).get(10, TimeUnit.SECONDS);
      }
    }

    try (EmbeddedKafka second = EmbeddedKafka.start(config)) {
      List<ConsumerRecord<String, String>> consumed = consumeOne(second.bootstrapServers());

      assertThat(consumed)
          .as("records on %s after the restart", TOPIC)
          .singleElement()
          .satisfies(record -> assertThat(record.value()).as("value").isEqualTo("survives"));
    }
  }

  @Test
  void closeDeletesATemporaryDataDirAndStopsEveryKafkaThread() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
    Path dataDir = kafka.dataDir();
    assertThat(Files.exists(dataDir.resolve("meta.properties")))
        .as("formatted data dir while running")
        .isTrue();

    kafka.close();

    assertThat(Files.exists(dataDir)).as("temporary data dir after close").isFalse();
    await()
        .atMost(WAIT)
        .pollInSameThread()
        .untilAsserted(
            () ->
                assertThat(threadsStartedSince(before)).as("threads left by the broker").isEmpty());
  }

  private static List<ConsumerRecord<String, String>> consumeOne(String bootstrapServers) {
    List<ConsumerRecord<String, String>> consumed = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(ClientConfigs.consumer(bootstrapServers))) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      await()
          .atMost(WAIT)
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(consumed::add);
                return !consumed.isEmpty();
              });
    }
    return consumed;
  }

  private static List<String> threadsStartedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !before.contains(thread))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }
}
