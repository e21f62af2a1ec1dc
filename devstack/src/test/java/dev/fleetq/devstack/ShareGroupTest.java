package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.ShareGroups;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.Topics;
import dev.fleetq.devstack.junit.WithDevStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Share groups (KIP-932) as fleetq's workers use them: three members of one group, one record per
 * poll, explicit acknowledgement. All three consumers are polled round-robin from the test thread,
 * since a consumer must stay on one thread.
 */
@WithDevStack
class ShareGroupTest {
  private static final int UNITS = 6;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration QUIET_PERIOD = Duration.ofSeconds(3);

  private final List<KafkaShareConsumer<String, String>> members = new ArrayList<>();
  private final Map<String, List<Short>> deliveryCounts = new LinkedHashMap<>();
  private final Set<String> accepted = new HashSet<>();
  private String released;

  @BeforeEach
  void startThreeMembers(DevStack devStack, TestNamespace namespace) throws Exception {
    String topic = namespace.topic("units");
    String group = namespace.group("fleetq-workers");
    Topics.create(devStack.bootstrapServers(), topic, 1);
    ShareGroups.startFromEarliest(devStack.bootstrapServers(), group);
    produceUnits(devStack.bootstrapServers(), topic);
    for (int i = 0; i < 3; i++) {
      KafkaShareConsumer<String, String> member =
          new KafkaShareConsumer<>(
              ClientConfigs.shareConsumer(devStack.bootstrapServers(), group, "member-" + i));
      member.subscribe(List.of(topic));
      members.add(member);
    }
  }

  @AfterEach
  void closeMembers() {
    members.forEach(member -> member.close(Duration.ofSeconds(10)));
  }

  @Test
  void releasedRecordIsDeliveredAgainAndAcceptedRecordsNeverAre() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              pollEachMemberOnce(this::releaseFirstAcceptRest);
              return accepted.size() == UNITS;
            });
    List<String> redelivered = new ArrayList<>();
    await()
        .during(QUIET_PERIOD)
        .atMost(QUIET_PERIOD.plusSeconds(10))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              pollEachMemberOnce(
                  record -> {
                    redelivered.add(record.key());
                    return AcknowledgeType.ACCEPT;
                  });
              return true;
            });

    assertThat(released).as("the record that was released").isNotNull();
    assertThat(deliveryCounts.get(released))
        .as("delivery counts of the released record %s", released)
        .containsExactly((short) 1, (short) 2);
    assertThat(deliveryCounts)
        .as("delivery counts of the accepted records")
        .hasSize(UNITS)
        .allSatisfy(
            (key, counts) -> {
              if (!key.equals(released)) {
                assertThat(counts).as(key).containsExactly((short) 1);
              }
            });
    assertThat(redelivered).as("records delivered again after all were accepted").isEmpty();
  }

  /** The first record seen is released; every other delivery, including its second, is accepted. */
  private AcknowledgeType releaseFirstAcceptRest(ConsumerRecord<String, String> record) {
    deliveryCounts
        .computeIfAbsent(record.key(), k -> new ArrayList<>())
        .add(record.deliveryCount().orElseThrow());
    if (released == null) {
      released = record.key();
      return AcknowledgeType.RELEASE;
    }
    accepted.add(record.key());
    return AcknowledgeType.ACCEPT;
  }

  private void pollEachMemberOnce(Acknowledger acknowledger) {
    for (KafkaShareConsumer<String, String> member : members) {
      for (ConsumerRecord<String, String> record : member.poll(POLL)) {
        member.acknowledge(record, acknowledger.decide(record));
      }
      member.commitSync(COMMIT_TIMEOUT);
    }
  }

  private static void produceUnits(String bootstrapServers, String topic) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(ClientConfigs.producer(bootstrapServers))) {
      for (String key : IntStream.range(0, UNITS).mapToObj(i -> "unit-" + i).toList()) {
        producer.send(new ProducerRecord<>(topic, key, "work")).get(10, TimeUnit.SECONDS);
      }
    }
  }

  @FunctionalInterface
  private interface Acknowledger {
    AcknowledgeType decide(ConsumerRecord<String, String> record);
  }
}
