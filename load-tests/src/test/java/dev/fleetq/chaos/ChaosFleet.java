package dev.fleetq.chaos;

import dev.fleetq.cli.Fleetq;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A fleet of separate processes on loopback, as an operator runs one: a standalone KRaft broker,
 * {@code redis-server} with an append-only file, a coordinator ({@code fleetq coordinator}) and
 * workers ({@code fleetq worker}), each of which the benchmark can kill and start again where the
 * others expect it. The benchmark's own clients (a producer for jobs, a Redisson client to watch
 * landing marks and to flush Redis) ride through the faults as the fleet's do.
 *
 * <p>Not thread-safe, except {@link #killCoordinator()}, which a watching thread may call.
 */
final class ChaosFleet implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofMinutes(2);
  static final String WORKER_READY = "started with";
  static final String COORDINATOR_READY = "fleetq coordinator: HTTP API on";
  private static final String REDIS_READY = "Ready to accept connections";

  private final Path dir;
  private final String bootstrap;
  private final String redisUri;
  private final Node broker;
  private final Node redisServer;
  private final Node coordinator;
  private final List<Node> workers = new ArrayList<>();
  private final List<WorkerId> workerIds = new ArrayList<>();
  private KafkaProducer<String, String> producer;
  private RedissonClient redis;
  private int nextWorker = 1;

  private ChaosFleet(Path dir, int[] ports) {
    this.dir = dir;
    this.bootstrap = "127.0.0.1:" + ports[0];
    this.redisUri = "redis://127.0.0.1:" + ports[2];
    this.broker =
        Node.java(
            "broker",
            dir.resolve("logs/broker.log"),
            BrokerMain.class.getName(),
            List.of(
                dir.resolve("kafka").toString(),
                Integer.toString(ports[0]),
                Integer.toString(ports[1])));
    this.redisServer =
        Node.program(
            "redis",
            dir.resolve("logs/redis.log"),
            List.of(
                "redis-server",
                "--port",
                Integer.toString(ports[2]),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.resolve("logs").toString(),
                "--appendonly",
                "yes",
                "--save",
                ""));
    this.coordinator =
        Node.java(
            "coordinator",
            dir.resolve("logs/coordinator.log"),
            Fleetq.class.getName(),
            List.of(
                "coordinator",
                "--kafka",
                bootstrap,
                "--redis",
                redisUri,
                "--http-host",
                "127.0.0.1",
                "--http-port",
                Integer.toString(ports[3]),
                "--work-dir",
                dir.resolve("coordinator").toString()));
  }

  /** Starts the broker, Redis, the coordinator and {@code workerCount} workers. */
  static ChaosFleet start(Path dir, int workerCount) {
    int[] ports = freePorts(4);
    ChaosFleet fleet = null;
    try {
      fleet = new ChaosFleet(dir, ports);
      fleet.broker.start(BrokerMain.READY, START_BOUND);
      fleet.redisServer.start(REDIS_READY, START_BOUND);
      fleet.connect();
      fleet.coordinator.start(COORDINATOR_READY, START_BOUND);
      for (int i = 0; i < workerCount; i++) {
        fleet.addWorker();
      }
      return fleet;
    } catch (RuntimeException e) {
      if (fleet != null) {
        fleet.close();
      }
      throw e;
    }
  }

  /** The benchmark's own clients, once the broker and Redis run. */
  private void connect() {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                120_000),
            new StringSerializer(),
            new StringSerializer());
    Config config = new Config();
    config.useSingleServer().setAddress(redisUri).setRetryAttempts(10);
    redis = Redisson.create(config);
  }

  String bootstrap() {
    return bootstrap;
  }

  Topics topics() {
    return Topics.DEFAULT;
  }

  RedisKeys keys() {
    return RedisKeys.DEFAULT;
  }

  RedissonClient redis() {
    return redis;
  }

  List<WorkerId> workers() {
    return List.copyOf(workerIds);
  }

  void submit(JobId job, String json) throws Exception {
    producer
        .send(new ProducerRecord<>(topics().jobs(), job.value(), json))
        .get(1, TimeUnit.MINUTES);
  }

  /** Starts one more worker, named {@code chaos-wN}, and waits until it takes units. */
  WorkerId addWorker() {
    WorkerId id = WorkerId.parse("chaos-w" + nextWorker++);
    Node worker =
        Node.java(
            id.value(),
            dir.resolve("logs/" + id.value() + ".log"),
            Fleetq.class.getName(),
            List.of(
                "worker",
                "--id",
                id.value(),
                "--kafka",
                bootstrap,
                "--redis",
                redisUri,
                "--work-dir",
                dir.resolve("workers").resolve(id.value()).toString(),
                "--metrics-host",
                "127.0.0.1",
                "--metrics-port",
                "0",
                "--agent-uids",
                "off"));
    worker.start(WORKER_READY, START_BOUND);
    workers.add(worker);
    workerIds.add(id);
    return id;
  }

  /** Kills a worker with {@code SIGKILL} and starts another in its place; returns when it died. */
  Instant killWorker(WorkerId id) {
    int i = workerIds.indexOf(id);
    Node worker = workers.remove(i);
    workerIds.remove(i);
    worker.kill();
    Instant killed = Instant.now();
    addWorker();
    return killed;
  }

  /** Kills the coordinator with {@code SIGKILL}; any thread may call it. */
  Instant killCoordinator() {
    coordinator.kill();
    return Instant.now();
  }

  /** Starts the coordinator again; returns when it serves. */
  Instant startCoordinator() {
    return coordinator.start(COORDINATOR_READY, START_BOUND);
  }

  /** Stops Redis with {@code SIGTERM} (its append-only file kept) and starts it again. */
  Instant restartRedis() {
    redisServer.stop();
    return redisServer.start(REDIS_READY, START_BOUND);
  }

  /** Kills the broker with {@code SIGKILL} and starts it again on its ports and data. */
  Instant restartBroker() {
    broker.kill();
    return broker.start(BrokerMain.READY, START_BOUND);
  }

  @Override
  public void close() {
    workers.forEach(Node::kill);
    coordinator.kill();
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (redis != null) {
      redis.shutdown();
    }
    redisServer.kill();
    broker.kill();
  }

  private static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      sockets.forEach(
          s -> {
            try {
              s.close();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
