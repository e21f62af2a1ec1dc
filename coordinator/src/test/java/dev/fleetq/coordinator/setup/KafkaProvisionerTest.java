package dev.fleetq.coordinator.setup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.kafka.KafkaClients;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithDevStack
class KafkaProvisionerTest {

  @Test
  void createsTheSevenTopicsOnceAndSetsTheShareGroupsToStartFromEarliest(
      DevStack stack, TestNamespace namespace, @TempDir Path dir) throws Exception {
    try (Harness harness = new Harness(stack, namespace, dir);
        Admin admin = KafkaClients.admin(harness.config(), "provisioner-test")) {
      KafkaProvisioner provisioner =
          new KafkaProvisioner(admin, harness.topics(), 2, harness.config().kafkaTimeout());

      provisioner.provision();
      provisioner.provision();

      Map<String, Integer> partitions =
          admin
              .describeTopics(harness.topics().all())
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .values()
              .stream()
              .collect(Collectors.toMap(TopicDescription::name, t -> t.partitions().size()));
      assertThat(partitions)
          .as("partitions per topic")
          .containsOnly(
              Map.entry(harness.topics().jobs(), KafkaProvisioner.JOBS_PARTITIONS),
              Map.entry(harness.topics().units(), 2),
              Map.entry(harness.topics().events(), KafkaProvisioner.EVENTS_PARTITIONS),
              Map.entry(harness.topics().gate(), KafkaProvisioner.GATE_PARTITIONS),
              Map.entry(harness.topics().dlq(), KafkaProvisioner.DLQ_PARTITIONS),
              Map.entry(harness.topics().suites(), KafkaProvisioner.SUITES_PARTITIONS),
              Map.entry(
                  harness.topics().suiteResults(), KafkaProvisioner.SUITE_RESULTS_PARTITIONS));
      for (String name :
          List.of(harness.topics().workerShareGroup(), harness.topics().executorShareGroup())) {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, name);
        Config config =
            admin.describeConfigs(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        assertThat(config.get(KafkaProvisioner.SHARE_AUTO_OFFSET_RESET).value())
            .as("share.auto.offset.reset of " + name)
            .isEqualTo("earliest");
      }
    }
  }
}
