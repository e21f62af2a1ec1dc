package dev.fleetq.fleet;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.gate.GateConfig;
import dev.fleetq.coordinator.gate.MergeGate;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.exec.git.Git;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

final class GateExtensions {
  private GateExtensions() {}

  static Coordinator.Extension gate(CoordinatorConfig config, TestNamespace ns) {
    return services -> {
      KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer());
      MergeGate gate =
          new MergeGate(
              GateConfig.defaults(
                      config.bootstrapServers(), config.workDir().resolve("gate").toAbsolutePath())
                  .withNames(config.topics(), config.keys(), ns.group("fleetq-gate")),
              services.redis(),
              producer,
              services.sandbox(),
              new Git(
                  new Git.Identity("fleetq gate", "gate@fleetq.invalid"), Duration.ofMinutes(1)),
              services.clock());
      gate.start();
      return () -> {
        gate.close();
        producer.close(Duration.ofSeconds(5));
      };
    };
  }
}
