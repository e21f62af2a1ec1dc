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
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * What a benchmark's gate needs to have its suites run: the topics, a dispatcher of suite runs and
 * executors (workers with a suite slot and no unit slot), on the devstack. Closes all of it. Not
 * thread-safe; owned by the benchmark's thread.
 */
final class Suites implements AutoCloseable {
  private final CoordinatorConfig config;
  private final KafkaProducer<byte[], byte[]> producer;
  private final SuiteDispatcher dispatcher;
  private final List<Worker> executors;

  private Suites(
      CoordinatorConfig config,
      KafkaProducer<byte[], byte[]> producer,
      SuiteDispatcher dispatcher,
      List<Worker> executors) {
    this.config = config;
    this.producer = producer;
    this.dispatcher = dispatcher;
    this.executors = executors;
  }

  /** Provisions the topics and starts a dispatcher and {@code executorCount} executors. */
  static Suites start(
      DevStack stack,
      RedissonClient redis,
      Topics topics,
      RedisKeys keys,
      Path home,
      int executorCount) {
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
    List<Worker> executors = new ArrayList<>();
    for (int n = 1; n <= executorCount; n++) {
      Worker executor =
          Worker.create(
              WorkerConfig.defaults(
                      WorkerId.parse("executor-" + n),
                      stack.bootstrapServers(),
                      stack.redisUri(),
                      home.resolve("executor-" + n))
                  .withNames(topics, keys)
                  .withSlots(0)
                  .withSuiteSlots(1)
                  .withShutdownGrace(Duration.ofSeconds(5)),
              new ProcessSandbox(),
              Clock.systemUTC());
      executor.start();
      executors.add(executor);
    }
    return new Suites(config, producer, dispatcher, executors);
  }

  /** A small Redisson client, as a benchmark's gate and its checks need. */
  static RedissonClient redis(String uri) {
    Config config = new Config();
    config.setThreads(2);
    config.setNettyThreads(2);
    config.useSingleServer().setAddress(uri).setConnectionMinimumIdleSize(1).setTimeout(5000);
    return Redisson.create(config);
  }

  /** The coordinator's configuration the topics were made with. */
  CoordinatorConfig config() {
    return config;
  }

  /** A sender on the benchmark's producer, for the gate's requests and events. */
  Sender sender() {
    return new Sender(producer, config.kafkaTimeout());
  }

  SuiteDispatcher dispatcher() {
    return dispatcher;
  }

  @Override
  public void close() {
    executors.forEach(Worker::close);
    dispatcher.close();
    producer.close(Duration.ofSeconds(10));
  }
}
