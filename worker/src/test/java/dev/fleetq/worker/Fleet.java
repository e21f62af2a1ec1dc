package dev.fleetq.worker;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.ShareGroups;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.sandbox.DockerSandbox;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * One test's fleetq installation on the shared dev stack: its own topics (units with the given
 * number of partitions), share group, Redis keys and workers; a producer that plays the
 * coordinator; plain consumers that read events, gate requests and dead letters from the start; and
 * a Redisson client for looking at and setting Redis state.
 *
 * <p>Not thread-safe; the readers synchronize so that Awaitility may poll them from its thread.
 */
final class Fleet implements AutoCloseable {
  /** The watchdog timeout of the workers' unit locks in tests. */
  static final Duration WATCHDOG = Duration.ofSeconds(2);

  /** The bound on every wait for something the workers do. */
  static final Duration PATIENCE = Duration.ofSeconds(90);

  private static final Duration READ_POLL = Duration.ofMillis(100);

  final Topics topics;
  final RedisKeys keys;
  final RedissonClient redis;
  private final DevStack stack;
  private final Path dir;
  private final KafkaProducer<String, String> producer;
  private final Reader events;
  private final Reader gate;
  private final Reader dlq;
  private final List<Worker> workers = new ArrayList<>();

  Fleet(DevStack stack, TestNamespace namespace, Path dir, int unitPartitions) {
    this.stack = stack;
    this.dir = dir;
    this.topics = new Topics(namespace.topicPrefix());
    this.keys = new RedisKeys(namespace.keyPrefix());
    String bootstrap = stack.bootstrapServers();
    for (String topic : topics.all()) {
      int partitions = topic.equals(topics.units()) ? unitPartitions : 1;
      dev.fleetq.devstack.junit.Topics.create(bootstrap, topic, partitions);
    }
    ShareGroups.startFromEarliest(bootstrap, topics.workerShareGroup());
    this.producer = new KafkaProducer<>(ClientConfigs.producer(bootstrap));
    this.events = new Reader(bootstrap, topics.events());
    this.gate = new Reader(bootstrap, topics.gate());
    this.dlq = new Reader(bootstrap, topics.dlq());
    Config config = new Config();
    config.useSingleServer().setAddress(stack.redisUri()).setTimeout(5_000);
    this.redis = Redisson.create(config);
  }

  /** A worker configuration for this fleet, with short test timings. */
  WorkerConfig config(String workerId) {
    return new WorkerConfig(
        WorkerId.parse(workerId),
        stack.bootstrapServers(),
        stack.redisUri(),
        topics,
        keys,
        1,
        WorkerConfig.DEFAULT_SUITE_SLOTS,
        dir.resolve("workers").resolve(workerId),
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        WATCHDOG,
        Duration.ofMillis(250),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        Duration.ofSeconds(5),
        Duration.ofSeconds(20),
        new dev.fleetq.exec.git.Git.Identity("fleetq " + workerId, workerId + "@fleetq.invalid"),
        null);
  }

  /** Starts a worker with the default test configuration. */
  Worker start(String workerId) {
    return start(config(workerId));
  }

  /** Starts a worker; the fleet closes it. */
  Worker start(WorkerConfig config) {
    return start(config, WorkerClients.connect(config));
  }

  /** Starts a worker that reads the time from {@code clock}; the fleet closes it. */
  Worker start(WorkerConfig config, Clock clock) {
    return start(new Worker(config, WorkerClients.connect(config), new ProcessSandbox(), clock));
  }

  /** Starts a worker around the given clients; the fleet closes it. */
  Worker start(WorkerConfig config, WorkerClients clients) {
    return start(new Worker(config, clients, new ProcessSandbox(), Clock.systemUTC()));
  }

  /** Starts a worker that runs agents with an image in {@code docker}; the fleet closes it. */
  Worker start(WorkerConfig config, DockerSandbox docker) {
    return start(
        new Worker(
            config,
            WorkerClients.connect(config),
            new ProcessSandbox(),
            docker,
            Clock.systemUTC()));
  }

  private Worker start(Worker worker) {
    workers.add(worker);
    worker.start();
    return worker;
  }

  /** Publishes a unit as the coordinator does, keyed by its unit key. */
  void publish(WorkUnit unit) {
    send(unit.key().value(), Json.encodeToString(unit));
  }

  /** Publishes a record on the units topic. */
  void send(String key, String value) {
    try {
      producer.send(new ProducerRecord<>(topics.units(), key, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish " + key, e);
    }
  }

  /** Every unit event so far. */
  List<UnitEvent> unitEvents() {
    return events.read().stream()
        .map(record -> Json.decode(record.value(), Event.class))
        .filter(UnitEvent.class::isInstance)
        .map(UnitEvent.class::cast)
        .toList();
  }

  /** The statuses of {@code unit}'s events so far, in order. */
  List<UnitStatus> statuses(UnitKey unit) {
    return unitEvents().stream().filter(e -> e.key().equals(unit)).map(UnitEvent::status).toList();
  }

  /** The last event of {@code unit} so far, or null. */
  UnitEvent lastEvent(UnitKey unit) {
    List<UnitEvent> all = unitEvents().stream().filter(e -> e.key().equals(unit)).toList();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Every gate request so far, with its Kafka key. */
  List<ConsumerRecord<String, String>> gateRecords() {
    return gate.read();
  }

  /** Every gate request so far. */
  List<GateRequest> gateRequests() {
    return gate.read().stream().map(r -> Json.decode(r.value(), GateRequest.class)).toList();
  }

  /** Every dead letter so far. */
  List<ConsumerRecord<String, String>> deadLetters() {
    return dlq.read();
  }

  /** Whether anyone holds {@code unit}'s lock. */
  boolean locked(UnitKey unit) {
    return redis.getLock(keys.unitLock(unit)).isLocked();
  }

  /** Sets a plain string in Redis, as the coordinator's projector and publisher do. */
  void setString(String key, String value) {
    redis.getBucket(key, StringCodec.INSTANCE).set(value);
  }

  /** A directory of this test, created on demand by whoever writes into it. */
  Path dir(String name) {
    return dir.resolve(name);
  }

  /** Closes every worker this fleet started. */
  void closeWorkers() {
    workers.forEach(Worker::close);
  }

  @Override
  public void close() {
    closeWorkers();
    events.close();
    gate.close();
    dlq.close();
    producer.close(ClientConfigs.CLOSE_TIMEOUT);
    redis.shutdown(0, 5, TimeUnit.SECONDS);
  }

  /** Reads a one-partition topic from its start, accumulating what it has read. */
  private static final class Reader {
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    Reader(String bootstrap, String topic) {
      consumer = new KafkaConsumer<>(ClientConfigs.consumer(bootstrap));
      List<TopicPartition> partitions =
          IntStream.range(0, 1).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    synchronized List<ConsumerRecord<String, String>> read() {
      consumer.poll(READ_POLL).forEach(seen::add);
      return List.copyOf(seen);
    }

    synchronized void close() {
      consumer.close(ClientConfigs.CLOSE_TIMEOUT);
    }
  }
}
