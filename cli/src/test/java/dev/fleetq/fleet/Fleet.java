package dev.fleetq.fleet;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.api.ApiConfig;
import dev.fleetq.coordinator.api.HttpApi;
import dev.fleetq.coordinator.gate.GateConfig;
import dev.fleetq.coordinator.gate.MergeGate;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import dev.fleetq.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A whole fleet for one test: a coordinator with its gate and HTTP API, and workers, on the shared
 * devstack with the test's own topics and keys. Timings are short so that leases expire and reapers
 * act within a test's patience. Not thread-safe; owned by the test thread.
 */
final class Fleet implements AutoCloseable {
  static final Duration LOCK_WATCHDOG = Duration.ofSeconds(3);

  private final DevStack stack;
  private final Topics topics;
  private final RedisKeys keys;
  private final Path dir;
  private final Coordinator coordinator;
  private final HttpApi api;
  private final List<Worker> workers = new ArrayList<>();
  private final EventTrail trail;

  private Fleet(DevStack stack, TestNamespace ns, Path dir) {
    this.stack = stack;
    this.topics = new Topics(ns.topicPrefix());
    this.keys = new RedisKeys(ns.keyPrefix());
    this.dir = dir;
    CoordinatorConfig config =
        CoordinatorConfig.defaults(
                stack.bootstrapServers(), stack.redisUri(), dir.resolve("coordinator"))
            .withNames(topics, keys, ns.group("fleetq-coordinator"), ns.group("fleetq-projector"))
            .withReaper(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5));
    this.api = HttpApi.extension(ApiConfig.defaults("127.0.0.1", 0));
    this.coordinator =
        Coordinator.create(
            config,
            Clock.systemUTC(),
            List.of(
                MergeGate.extension(GateConfig.defaults().withGroupId(ns.group("fleetq-gate"))),
                api));
    coordinator.start();
    this.trail = new EventTrail(stack.bootstrapServers(), topics.events());
  }

  /** Starts the coordinator and its gate. */
  static Fleet start(DevStack stack, TestNamespace ns, Path dir) {
    return new Fleet(stack, ns, dir);
  }

  /** Starts one more worker, in this JVM, with {@code slots} slots and one suite slot. */
  Worker addWorker(String name, int slots) {
    return addWorker(name, slots, 1);
  }

  /**
   * Starts one more worker, in this JVM, with {@code slots} unit slots and {@code suiteSlots} suite
   * slots; with no unit slot it is an executor only.
   */
  Worker addWorker(String name, int slots, int suiteSlots) {
    Worker worker =
        Worker.create(
            workerConfig(stack.bootstrapServers(), stack.redisUri(), topics, keys, dir, name)
                .withSlots(slots)
                .withSuiteSlots(suiteSlots),
            new ProcessSandbox(),
            Clock.systemUTC());
    worker.start();
    workers.add(worker);
    return worker;
  }

  /** A worker's configuration with the fleet's short timings, for this JVM or a child process. */
  static WorkerConfig workerConfig(
      String bootstrap, String redisUri, Topics topics, RedisKeys keys, Path dir, String name) {
    return WorkerConfig.defaults(
            WorkerId.parse(name), bootstrap, redisUri, dir.resolve("workers").resolve(name))
        .withNames(topics, keys)
        .withLockWatchdogTimeout(LOCK_WATCHDOG)
        .withHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(5))
        .withShutdownGrace(Duration.ofSeconds(5));
  }

  Path dir() {
    return dir;
  }

  DevStack stack() {
    return stack;
  }

  /** Produces a job's JSON to the jobs topic, as {@code kcat} or any other producer would. */
  void submit(String key, String json) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(ClientConfigs.producer(stack.bootstrapServers()))) {
      producer.send(new ProducerRecord<>(topics.jobs(), key, json)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Cancels a job through the HTTP API, as a person would; returns the response status. */
  int cancel(JobId job) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/v1/jobs/" + job + "/cancel"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The job's projected state. */
  Optional<JobState> job(JobId job) {
    return coordinator.jobStates().job(job);
  }

  /** The port of the coordinator's HTTP API, which also serves its {@code /metrics}. */
  int apiPort() {
    return api.port();
  }

  EventTrail trail() {
    return trail;
  }

  Topics topics() {
    return topics;
  }

  RedisKeys keys() {
    return keys;
  }

  Coordinator coordinator() {
    return coordinator;
  }

  @Override
  public void close() {
    for (Worker worker : workers) {
      worker.close();
    }
    trail.close();
    coordinator.close();
  }
}
