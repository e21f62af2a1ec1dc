package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.Topics;
import dev.fleetq.devstack.junit.WithDevStack;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@WithDevStack
class EmbeddedKafkaTest {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaTest.class);
  private static final int RECORDS = 10_000;
  private static final int KEYS = 100;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void brokerAnswersClientsOnceStarted(DevStack devStack) throws Exception {
    try (Admin admin = Admin.create(ClientConfigs.admin(devStack.bootstrapServers()))) {
      int nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();

      assertThat(nodes).as("brokers in the cluster").isEqualTo(1);
    }
    report(
        "devstack: broker ready in %d ms, heap used %d MB",
        devStack.kafka().readyAfter().toMillis(), heapUsedAfterGcMegabytes());
  }

  @Test
  void tenThousandRecordsComeBackInOrderPerKey(DevStack devStack, TestNamespace namespace)
      throws Exception {
    String topic = namespace.topic("ordering");
    Topics.create(devStack.bootstrapServers(), topic, 3);

    produceSequencesPerKey(devStack.bootstrapServers(), topic);
    List<ConsumerRecord<String, String>> consumed =
        consumeAll(devStack.bootstrapServers(), topic, RECORDS);

    assertThat(consumed).as("records consumed").hasSize(RECORDS);
    Map<String, List<String>> valuesByKey = new HashMap<>();
    Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
    for (ConsumerRecord<String, String> record : consumed) {
      valuesByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
      partitionsByKey.computeIfAbsent(record.key(), k -> new HashSet<>()).add(record.partition());
    }
    List<String> expectedSequence =
        IntStream.range(0, RECORDS / KEYS).mapToObj(Integer::toString).toList();
    assertThat(partitionsByKey.values())
        .as("partitions each key landed in")
        .allSatisfy(partitions -> assertThat(partitions).hasSize(1));
    assertThat(valuesByKey)
        .as("values per key, in consumed order")
        .hasSize(KEYS)
        .allSatisfy((key, values) -> assertThat(values).as(key).isEqualTo(expectedSequence));
    report(
        "devstack: heap used %d MB after %d records through the broker",
        heapUsedAfterGcMegabytes(), RECORDS);
  }

  @Test
  void producingToAMissingTopicFailsBecauseTopicsAreNeverCreatedOnFirstUse(
      DevStack devStack, TestNamespace namespace) {
    Map<String, Object> config = new HashMap<>(ClientConfigs.producer(devStack.bootstrapServers()));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    String topic = namespace.topic("missing");

    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "v")).get())
          .as("send to a topic nobody created")
          .hasMessageContaining(topic);
    }
  }

  private static void produceSequencesPerKey(String bootstrapServers, String topic)
      throws Exception {
    List<Future<RecordMetadata>> sends = new ArrayList<>(RECORDS);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(ClientConfigs.producer(bootstrapServers))) {
      for (int i = 0; i < RECORDS; i++) {
        String key = "key-" + (i % KEYS);
        String sequence = Integer.toString(i / KEYS);
        sends.add(producer.send(new ProducerRecord<>(topic, key, sequence)));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> send : sends) {
      send.get(0, TimeUnit.SECONDS);
    }
  }

  private static List<ConsumerRecord<String, String>> consumeAll(
      String bootstrapServers, String topic, int expected) {
    List<ConsumerRecord<String, String>> consumed = new ArrayList<>(expected);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(ClientConfigs.consumer(bootstrapServers))) {
      List<TopicPartition> partitions =
          IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(WAIT)
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(consumed::add);
                return consumed.size() >= expected;
              });
    }
    return consumed;
  }

  static long heapUsedAfterGcMegabytes() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private static void report(String format, Object... args) {
    String line = String.format(format, args);
    System.out.println(line);
    log.info(line);
  }
}
