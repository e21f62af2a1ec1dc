package dev.fleetq.coordinator.testing;

import static org.awaitility.Awaitility.await;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.KafkaClients;
import dev.fleetq.coordinator.kafka.RecordLoop;
import dev.fleetq.coordinator.kafka.Sender;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.coordinator.setup.KafkaProvisioner;
import dev.fleetq.coordinator.state.RedisRecovery;
import dev.fleetq.coordinator.suite.DispatchMetrics;
import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import dev.fleetq.worker.WorkerConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.core.ConditionFactory;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One test's slice of the shared devstack: its own topics (provisioned as the coordinator does),
 * Redis keys and consumer groups, a configuration with short timings, and the clients and
 * components a test of one part needs. Closes everything it made.
 *
 * <p>Not thread-safe; owned by one test.
 */
public final class Harness implements AutoCloseable {
  /** The bound on every wait in these tests: generous, since other builds share the machine. */
  public static final Duration WAIT = Duration.ofSeconds(90);

  private final String bootstrapServers;
  private final String redisUri;
  private final Path workDir;
  private final CoordinatorConfig config;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private RedissonClient redis;
  private KafkaProducer<byte[], byte[]> producer;
  private CoordinatorMetrics metrics;

  public Harness(DevStack stack, TestNamespace namespace, Path workDir) {
    this(stack.bootstrapServers(), stack.redisUri(), namespace, workDir);
  }

  /** A harness on the devstack's broker and another Redis server, such as one a test stops. */
  public Harness(String bootstrapServers, String redisUri, TestNamespace namespace, Path workDir) {
    this.bootstrapServers = bootstrapServers;
    this.redisUri = redisUri;
    this.workDir = workDir;
    this.config =
        CoordinatorConfig.defaults(bootstrapServers, redisUri, workDir)
            .withNames(
                new Topics(namespace.topicPrefix()),
                new RedisKeys(namespace.keyPrefix()),
                namespace.group(CoordinatorConfig.DEFAULT_INTAKE_GROUP),
                namespace.group(CoordinatorConfig.DEFAULT_PROJECTOR_GROUP))
            .withPolling(Duration.ofMillis(100), Duration.ofMillis(200))
            .withReaper(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3));
  }

  /** A bounded wait that polls on the test thread (for the tails' consumers). */
  public static ConditionFactory eventually() {
    return await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(50));
  }

  public CoordinatorConfig config() {
    return config;
  }

  public Topics topics() {
    return config.topics();
  }

  public RedisKeys keys() {
    return config.keys();
  }

  /** Creates this test's topics as the coordinator would. */
  public Harness provision() {
    try (Admin admin = KafkaClients.admin(config, "test-admin")) {
      new KafkaProvisioner(admin, topics(), config.unitsPartitions(), config.kafkaTimeout())
          .provision();
    }
    return this;
  }

  /** A Redisson client for this test. */
  public RedissonClient redis() {
    if (redis == null) {
      redis = connect(Duration.ofSeconds(30));
    }
    return redis;
  }

  /** Another Redisson client, as a second coordinator would have, with the given watchdog. */
  public RedissonClient connect(Duration lockWatchdog) {
    Config redisson = new Config();
    redisson.setLockWatchdogTimeout(lockWatchdog.toMillis());
    redisson.setThreads(2);
    redisson.setNettyThreads(2);
    redisson
        .useSingleServer()
        .setAddress(redisUri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(4)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(2)
        .setTimeout(5000);
    RedissonClient client = Redisson.create(redisson);
    owned.add(() -> client.shutdown(0, 5, TimeUnit.SECONDS));
    return client;
  }

  /** The test's sender, through one idempotent producer. */
  public Sender sender() {
    if (producer == null) {
      producer = KafkaClients.producer(config, "test-producer");
      owned.add(() -> producer.close(ClientConfigs.CLOSE_TIMEOUT));
    }
    return new Sender(producer, config.kafkaTimeout());
  }

  public EventLog events() {
    return new EventLog(sender(), topics());
  }

  public DeadLetters deadLetters() {
    return new DeadLetters(sender(), topics(), metrics());
  }

  public UnitPublisher publisher(Clock clock) {
    return new UnitPublisher(sender(), topics(), events(), redis(), keys(), metrics(), clock);
  }

  /** What rebuilds the projection when the test's Redis loses its data. */
  public RedisRecovery recovery(UnitPublisher publisher) {
    return new RedisRecovery(
        redis(),
        keys(),
        () -> KafkaClients.reader(config, "test-rebuild"),
        topics().units(),
        publisher,
        metrics(),
        Clock.systemUTC());
  }

  /** The test's coordinator metrics, one registry for everything the harness builds. */
  public CoordinatorMetrics metrics() {
    if (metrics == null) {
      metrics = new CoordinatorMetrics(new PrometheusRegistry());
    }
    return metrics;
  }

  public RecordLoop.Settings loopSettings() {
    return new RecordLoop.Settings(
        config.pollTimeout(),
        config.retryBackoff(),
        config.kafkaTimeout(),
        config.shutdownTimeout());
  }

  /** A consumer of the given group, as the coordinator makes them. */
  public KafkaConsumer<byte[], byte[]> consumer(String group) {
    return KafkaClients.consumer(config, group, "test-" + group);
  }

  /** Follows a topic from its beginning. */
  public TopicTail tail(String topic) {
    TopicTail tail = new TopicTail(bootstrapServers, topic);
    owned.add(tail);
    return tail;
  }

  /** Writes a record to a topic as an outside producer would. */
  public void produce(String topic, String key, String value) {
    byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    byte[] valueBytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    sender().sendBytes(topic, keyBytes, valueBytes, List.of());
  }

  /** Emits events as workers and the gate would. */
  public void emit(Event... events) {
    EventLog log = events();
    for (Event event : events) {
      log.emit(event);
    }
  }

  /**
   * Creates a coordinator with the extensions on this test's configuration, closed with the
   * harness, and starts it.
   */
  public Coordinator start(List<Coordinator.Extension> extensions) {
    Coordinator coordinator = Coordinator.create(config, Clock.systemUTC(), extensions);
    own(coordinator);
    coordinator.start();
    startExecutor("executor");
    return coordinator;
  }

  /**
   * Starts an executor on this test's topics and keys: a real worker with no unit slot and one
   * suite slot, which runs the suites the planner and the gate send ({@code fleetq executor}).
   */
  public Worker startExecutor(String name) {
    Worker executor =
        Worker.create(
            WorkerConfig.defaults(
                    WorkerId.parse(name),
                    bootstrapServers,
                    redisUri,
                    workDir.resolveSibling(workDir.getFileName() + "-" + name))
                .withNames(topics(), keys())
                .withSlots(0)
                .withSuiteSlots(1)
                .withShutdownGrace(Duration.ofSeconds(5)),
            new ProcessSandbox(),
            Clock.systemUTC());
    own(executor);
    executor.start();
    return executor;
  }

  /**
   * A started dispatcher of suite runs on this test's topics, for a test that wires a planner or a
   * gate by hand; the topics must exist ({@link #provision()}).
   */
  public SuiteDispatcher suites() {
    return suites(new PrometheusRegistry());
  }

  /**
   * A started dispatcher of suite runs, as {@link #suites()}, whose metrics go to {@code registry}.
   */
  public SuiteDispatcher suites(PrometheusRegistry registry) {
    SuiteDispatcher suites =
        new SuiteDispatcher(
            sender(),
            KafkaClients.reader(config, "test-suites"),
            redis(),
            topics(),
            keys(),
            SuiteDispatcher.Settings.DEFAULT,
            new DispatchMetrics(registry),
            Clock.systemUTC());
    own(suites);
    suites.start();
    return suites;
  }

  /** Closes what the test opened through this harness, newest first. */
  public void own(AutoCloseable closeable) {
    owned.add(closeable);
  }

  @Override
  public void close() {
    IllegalStateException failure = null;
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("could not close everything the test opened", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
