package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.kafka.KafkaClients;
import dev.fleetq.coordinator.kafka.Sender;
import dev.fleetq.coordinator.setup.KafkaProvisioner;
import dev.fleetq.coordinator.suite.DispatchMetrics;
import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import dev.fleetq.worker.WorkerConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.redisson.api.RedissonClient;

/**
 * What a benchmark's gate needs to have its suites run: the topics, a dispatcher of suite runs and
 * one executor (a worker with a suite slot and no unit slot), on the devstack. Closes all of it.
 * Not thread-safe; owned by the benchmark's thread.
 */
final class Suites implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final SuiteDispatcher dispatcher;
  private final Worker executor;

  private Suites(
      KafkaProducer<byte[], byte[]> producer, SuiteDispatcher dispatcher, Worker executor) {
    this.producer = producer;
    this.dispatcher = dispatcher;
    this.executor = executor;
  }

  static Suites start(
      DevStack stack, RedissonClient redis, Topics topics, RedisKeys keys, Path home) {
    CoordinatorConfig config =
        CoordinatorConfig.defaults(stack.bootstrapServers(), stack.redisUri(), home)
            .withNames(topics, keys, "bench-intake", "bench-projector");
    try (Admin admin = KafkaClients.admin(config, "bench-admin")) {
      new KafkaProvisioner(admin, topics, 1, config.kafkaTimeout()).provision();
    }
    KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(config, "bench-gate");
    SuiteDispatcher dispatcher =
        new SuiteDispatcher(
            new Sender(producer, config.kafkaTimeout()),
            KafkaClients.reader(config, "bench-suites"),
            redis,
            topics,
            keys,
            SuiteDispatcher.Settings.DEFAULT,
            new DispatchMetrics(new PrometheusRegistry()),
            Clock.systemUTC());
    dispatcher.start();
    Worker executor =
        Worker.create(
            WorkerConfig.defaults(
                    WorkerId.parse("executor"),
                    stack.bootstrapServers(),
                    stack.redisUri(),
                    home.resolve("executor"))
                .withNames(topics, keys)
                .withSlots(0)
                .withSuiteSlots(1)
                .withShutdownGrace(Duration.ofSeconds(5)),
            new ProcessSandbox(),
            Clock.systemUTC());
    executor.start();
    return new Suites(producer, dispatcher, executor);
  }

  SuiteDispatcher dispatcher() {
    return dispatcher;
  }

  @Override
  public void close() {
    executor.close();
    dispatcher.close();
    producer.close(Duration.ofSeconds(10));
  }
}
