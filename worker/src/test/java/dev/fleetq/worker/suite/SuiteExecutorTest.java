package dev.fleetq.worker.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.ShareGroups;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.HostileRecords;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.suite.SuiteRequest;
import dev.fleetq.model.suite.SuiteResult;
import dev.fleetq.model.suite.SuiteResult.Outcome;
import dev.fleetq.model.suite.TestResult;
import dev.fleetq.model.suite.TestResult.Status;
import dev.fleetq.model.wire.DeadLetterHeaders;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.Worker;
import dev.fleetq.worker.WorkerClients;
import dev.fleetq.worker.WorkerConfig;
import dev.fleetq.worker.sandbox.DockerSandbox;
import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import dev.fleetq.worker.testing.TestDocker;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * A worker's suite executor against the real broker and Redis, real git repositories and real
 * processes: the coordinator is played by a producer on the suites topic and a reader of the
 * suite-results topic.
 */
@WithDevStack
class SuiteExecutorTest {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final JobId JOB = JobId.parse("job-suite");
  private static final Git GIT =
      new Git(new Git.Identity("tester", "tester@fleetq.invalid"), Duration.ofSeconds(30));

  @TempDir Path dir;
  private Topics topics;
  private RedisKeys keys;
  private ExampleRepo repo;
  private Worker worker;
  private KafkaProducer<String, String> producer;
  private Reader results;
  private Reader deadLetters;
  private RedissonClient redis;

  @BeforeEach
  void startAnExecutor(DevStack stack, TestNamespace namespace) {
    topics = new Topics(namespace.topicPrefix());
    keys = new RedisKeys(namespace.keyPrefix());
    String bootstrap = stack.bootstrapServers();
    for (String topic : topics.all()) {
      dev.fleetq.devstack.junit.Topics.create(bootstrap, topic, 1);
    }
    ShareGroups.startFromEarliest(bootstrap, topics.workerShareGroup());
    ShareGroups.startFromEarliest(bootstrap, topics.executorShareGroup());
    repo = ExampleRepo.create(dir.resolve("repo"), 2, 1);
    producer = new KafkaProducer<>(ClientConfigs.producer(bootstrap));
    results = new Reader(bootstrap, topics.suiteResults());
    deadLetters = new Reader(bootstrap, topics.dlq());
    Config config = new Config();
    config.useSingleServer().setAddress(stack.redisUri()).setTimeout(5_000);
    redis = Redisson.create(config);
    WorkerConfig workerConfig =
        WorkerConfig.defaults(
                WorkerId.parse("e1"), bootstrap, stack.redisUri(), dir.resolve("worker"))
            .withNames(topics, keys)
            .withSuiteSlots(1)
            .withShutdownGrace(Duration.ofSeconds(10));
    worker =
        new Worker(
            workerConfig,
            WorkerClients.connect(workerConfig),
            new ProcessSandbox(),
            Clock.systemUTC());
    worker.start();
  }

  @AfterEach
  void stopTheExecutor() {
    worker.close();
    results.close();
    deadLetters.close();
    producer.close(ClientConfigs.CLOSE_TIMEOUT);
    redis.shutdown(0, 5, TimeUnit.SECONDS);
  }

  @Test
  void aCommitOnABranchIsTestedAndEveryTestIsReportedOnce() {
    send(request("run-main", "refs/heads/main", repo.mainHead(), ExampleRepo.TEST_COMMAND));

    SuiteResult result = awaitResult("run-main");

    assertThat(result.outcome())
        .as("outcome (problem: %s)", result.problem())
        .isEqualTo(Outcome.REPORTED);
    assertThat(result.results())
        .as("results")
        .extracting(TestResult::id, TestResult::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ExampleRepo.testId(1), Status.FAILED),
            org.assertj.core.groups.Tuple.tuple(ExampleRepo.testId(2), Status.FAILED),
            org.assertj.core.groups.Tuple.tuple(ExampleRepo.testId(3), Status.PASSED));
    assertThat(result.reportFiles()).as("report files").containsExactly("reports/TEST-example.xml");
    assertThat(result.executor().value()).as("executor").isEqualTo("e1");
    assertThat(result.attempt()).as("attempt").isEqualTo(1);
    assertThat(result.problem()).as("problem").isNull();
    assertThat(result.logTail()).as("log tail").doesNotContain("# fleetq:");
    await("the lease is deleted").atMost(PATIENCE).until(() -> !leaseHeld("run-main"));
    await("the scratch directory is removed")
        .atMost(PATIENCE)
        .until(() -> !Files.exists(dir.resolve("worker/suites/run-main-a1")));
    assertThat(results.read()).as("results of the run").hasSize(1);
    assertThat(scrape().sum("fleetq_suite_runs_total", "outcome", "REPORTED"))
        .as("reported runs")
        .isEqualTo(1);
    assertThat(scrape().sum("fleetq_suite_run_seconds_count")).as("timed runs").isEqualTo(1);
  }

  @Test
  void aCommitOnlyTheGatesHiddenRefPointsAtIsFetchedAndTested() {
    Path clone = dir.resolve("clone");
    GIT.run(dir, "clone", "--quiet", repo.url(), clone.toString());
    writeString(clone.resolve("src/f01.txt"), ExampleRepo.fixedContent(1) + "\n");
    GIT.run(clone, "commit", "--quiet", "-am", "Fix t01");
    GIT.run(clone, "push", "--quiet", "origin", "HEAD:refs/fleetq/gate/b1");
    String candidate = GIT.run(clone, "rev-parse", "HEAD");
    send(request("run-gate", "refs/fleetq/gate/b1", candidate, ExampleRepo.TEST_COMMAND));

    SuiteResult result = awaitResult("run-gate");

    assertThat(result.outcome())
        .as("outcome (problem: %s)", result.problem())
        .isEqualTo(Outcome.REPORTED);
    assertThat(result.report().passing())
        .as("passing")
        .containsExactly(ExampleRepo.testId(1), ExampleRepo.testId(3));
    assertThat(result.report().failing()).as("failing").containsExactly(ExampleRepo.testId(2));
  }

  @Test
  void aRefThatDoesNotExistFailsTheCheckoutNamingTheRef() {
    send(request("run-noref", "refs/heads/nope", repo.mainHead(), ExampleRepo.TEST_COMMAND));

    SuiteResult result = awaitResult("run-noref");

    assertThat(result.outcome()).as("outcome").isEqualTo(Outcome.CHECKOUT_FAILED);
    assertThat(result.problem()).as("problem").contains("refs/heads/nope", repo.url());
    assertThat(result.results()).as("results").isEmpty();
    await("the lease is deleted").atMost(PATIENCE).until(() -> !leaseHeld("run-noref"));
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilledAndTheRunTimesOut() {
    SuiteRequest slow =
        new SuiteRequest(
            "run-slow",
            1,
            JOB,
            RepoId.fromUrl(repo.url()),
            repo.url(),
            "refs/heads/main",
            repo.mainHead(),
            "echo started; sleep 60",
            List.of(ExampleRepo.REPORT_GLOB),
            Duration.ofSeconds(2),
            null);
    send(slow);

    SuiteResult result = awaitResult("run-slow");

    assertThat(result.outcome()).as("outcome").isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.problem()).as("problem").contains("PT2S");
    assertThat(result.logTail()).as("log tail").isEqualTo("started");
    assertThat(result.took()).as("took").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aRequestWhoseLeaseIsHeldElsewhereIsDroppedAsADuplicate() {
    redis
        .getBucket(keys.suiteLease("run-dup"), StringCodec.INSTANCE)
        .set("another-executor", Duration.ofMinutes(2));
    send(request("run-dup", "refs/heads/main", repo.mainHead(), ExampleRepo.TEST_COMMAND));
    send(request("run-later", "refs/heads/main", repo.mainHead(), ExampleRepo.TEST_COMMAND));

    awaitResult("run-later");
    await("the duplicate is counted")
        .atMost(PATIENCE)
        .until(() -> scrape().sum("fleetq_suite_runs_total", "outcome", "DUPLICATE") == 1);

    assertThat(resultOf("run-dup")).as("a result of the duplicate").isEmpty();
    assertThat(redis.getBucket(keys.suiteLease("run-dup"), StringCodec.INSTANCE).get())
        .as("the other executor's lease")
        .isEqualTo("another-executor");
  }

  @Test
  void aRunInProgressWhenTheWorkerStopsIsKilledAndHandedBackWithNoResult() throws IOException {
    Path pid = dir.resolve("suite.pid");
    SuiteRequest endless =
        new SuiteRequest(
            "run-stopped",
            1,
            JOB,
            RepoId.fromUrl(repo.url()),
            repo.url(),
            "refs/heads/main",
            repo.mainHead(),
            "echo $$ > " + pid + "; sleep 120",
            List.of(ExampleRepo.REPORT_GLOB),
            Duration.ofMinutes(5),
            null);
    send(endless);
    await("the command runs")
        .atMost(PATIENCE)
        .until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
    long shell = Long.parseLong(Files.readString(pid).strip());

    worker.close();

    assertThat(leaseHeld("run-stopped")).as("the lease after close").isFalse();
    assertThat(ProcessHandle.of(shell).map(ProcessHandle::isAlive))
        .as("the command after close")
        .isNotEqualTo(Optional.of(true));
    assertThat(results.endOffset()).as("results sent").isZero();
  }

  @Test
  void aRecordThatIsNotASuiteRequestIsDeadLettered() {
    producer.send(new ProducerRecord<>(topics.suites(), "bad", "{\"runId\": \"bad\"}"));
    HostileRecords.values()
        .forEach(value -> producer.send(new ProducerRecord<>(topics.suites(), "bad", value)));
    send(request("run-good", "refs/heads/main", repo.mainHead(), ExampleRepo.TEST_COMMAND));

    awaitResult("run-good");
    int letters = 1 + HostileRecords.values().size();
    await("dead letters").atMost(PATIENCE).until(() -> deadLetters.read().size() == letters);
    assertThat(deadLetters.read())
        .as("dead letters of the bad and the hostile records")
        .allSatisfy(
            hostile ->
                assertThat(header(hostile, DeadLetterHeaders.ERROR))
                    .as("error of %s", hostile.offset())
                    .startsWith(header(hostile, DeadLetterHeaders.ERROR_PATH) + ": "));
    ConsumerRecord<String, String> letter =
        deadLetters.read().stream().filter(l -> l.offset() == 0).findFirst().orElseThrow();

    assertThat(letter.key()).as("key").isEqualTo("bad");
    assertThat(letter.value()).as("value").isEqualTo("{\"runId\": \"bad\"}");
    assertThat(header(letter, DeadLetterHeaders.REJECTED_BY))
        .as("rejected by")
        .isEqualTo("worker.suite-executor");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC))
        .as("source topic")
        .isEqualTo(topics.suites());
  }

  @Test
  void aRunInAnImageOnAnExecutorWithoutAnEngineIsAnsweredNamingTheImage() {
    send(withImage(request("run-noengine", "refs/heads/main", repo.mainHead(), "true"), "x:1"));

    SuiteResult result = awaitResult("run-noengine");

    assertThat(result.outcome()).as("outcome").isEqualTo(Outcome.NO_REPORT);
    assertThat(result.problem())
        .as("problem")
        .contains(
            "executor e1: the suite runs in the image x:1, but this worker has no Docker engine");
  }

  @Test
  void aRunInAnImageOrOnAWorkerWithADefaultImageRunsInAContainerAndIsReported(DevStack stack) {
    try (TestDocker docker = TestDocker.engineOrSkip()) {
      worker.close();
      WorkerConfig config =
          WorkerConfig.defaults(
                  WorkerId.parse("e-docker"),
                  stack.bootstrapServers(),
                  stack.redisUri(),
                  dir.resolve("docker-worker"))
              .withNames(topics, keys)
              .withShutdownGrace(Duration.ofSeconds(10))
              .withDefaultImage(TestDocker.BUSYBOX_IMAGE);
      try (DockerSandbox containers =
          DockerSandbox.connect(
              DockerSandboxConfig.defaults(docker.host()), config.workerId(), null)) {
        worker =
            new Worker(
                config,
                WorkerClients.connect(config),
                new ProcessSandbox(),
                containers,
                Clock.systemUTC());
        worker.start();
        String command = "test -f /.dockerenv && echo in-a-container; " + ExampleRepo.TEST_COMMAND;
        send(
            withImage(
                request("run-image", "refs/heads/main", repo.mainHead(), command),
                TestDocker.BUSYBOX_IMAGE));

        send(request("run-default", "refs/heads/main", repo.mainHead(), command));

        for (String run : List.of("run-image", "run-default")) {
          SuiteResult result = awaitResult(run);
          assertThat(result.outcome())
              .as("%s outcome (problem: %s, log: %s)", run, result.problem(), result.logTail())
              .isEqualTo(Outcome.REPORTED);
          assertThat(result.logTail()).as("%s log tail", run).contains("in-a-container");
          assertThat(result.results()).as("%s results", run).hasSize(3);
        }
        worker.close();
      }
    }
  }

  private static SuiteRequest withImage(SuiteRequest request, String image) {
    return new SuiteRequest(
        request.runId(),
        request.attempt(),
        request.jobId(),
        request.repo(),
        request.repoUrl(),
        request.ref(),
        request.commit(),
        request.testCommand(),
        request.reportGlobs(),
        request.timeout(),
        image);
  }

  private SuiteRequest request(String runId, String ref, String commit, String command) {
    return new SuiteRequest(
        runId,
        1,
        JOB,
        RepoId.fromUrl(repo.url()),
        repo.url(),
        ref,
        commit,
        command,
        List.of(ExampleRepo.REPORT_GLOB),
        Duration.ofSeconds(60),
        null);
  }

  private void send(SuiteRequest request) {
    try {
      producer
          .send(
              new ProducerRecord<>(topics.suites(), request.runId(), Json.encodeToString(request)))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot send " + request.runId(), e);
    }
  }

  private SuiteResult awaitResult(String runId) {
    await("the result of " + runId).atMost(PATIENCE).until(() -> resultOf(runId).isPresent());
    return resultOf(runId).orElseThrow();
  }

  private Optional<SuiteResult> resultOf(String runId) {
    return results.read().stream()
        .filter(record -> runId.equals(record.key()))
        .map(record -> Json.decode(record.value(), SuiteResult.class))
        .findFirst();
  }

  private boolean leaseHeld(String runId) {
    return redis.getBucket(keys.suiteLease(runId), StringCodec.INSTANCE).isExists();
  }

  private Scrape scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, worker.metrics().scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Scrape.of(out.toString(StandardCharsets.UTF_8));
  }

  private static void writeString(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Reads a one-partition topic from its start, accumulating what it has read. */
  private static final class Reader {
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private final String topic;

    Reader(String bootstrap, String topic) {
      this.topic = topic;
      consumer = new KafkaConsumer<>(ClientConfigs.consumer(bootstrap));
      List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    synchronized List<ConsumerRecord<String, String>> read() {
      consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
      return List.copyOf(seen);
    }

    /** How many records the topic holds, read or not. */
    synchronized long endOffset() {
      TopicPartition partition = new TopicPartition(topic, 0);
      return consumer.endOffsets(List.of(partition)).get(partition);
    }

    synchronized void close() {
      consumer.close(ClientConfigs.CLOSE_TIMEOUT);
    }
  }
}
