package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.QueuedRequest;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A running {@link dev.fleetq.coordinator.Coordinator} with the {@link MergeGate} extension on the
 * test's own topics and keys, an {@link ExampleRepo} origin, and the worker's side of the protocol:
 * candidate branches made by cloning, editing, committing and pushing, gate requests, and the fence
 * in Redis. Not thread-safe; one per test.
 */
final class GateHarness implements AutoCloseable {
  static final Duration VERDICT_WAIT = Duration.ofSeconds(90);
  static final JobId JOB = JobId.parse("job-gate");
  static final Git WORKER_GIT =
      new Git(new Git.Identity("fleetq worker w1", "w1@fleetq.invalid"), Duration.ofSeconds(30));

  final ExampleRepo repo;
  final RedisKeys keys;
  private final DevStack stack;
  private final TestNamespace namespace;
  private final Path dir;
  private final Harness harness;
  private final List<Harness> others = new ArrayList<>();
  private final RedissonClient redis;
  private final TopicTail events;

  GateHarness(DevStack stack, TestNamespace namespace, Path dir) {
    this(stack, namespace, dir, UnaryOperator.identity(), List.of());
  }

  /**
   * @param settings changes the test's gate configuration
   * @param extensions more extensions of the coordinator, such as the HTTP API
   */
  GateHarness(
      DevStack stack,
      TestNamespace namespace,
      Path dir,
      UnaryOperator<GateConfig> settings,
      List<Coordinator.Extension> extensions) {
    this.stack = stack;
    this.namespace = namespace;
    this.dir = dir;
    this.repo = ExampleRepo.create(dir, 3, 3);
    this.harness = new Harness(stack, namespace, dir.resolve("coordinator"));
    this.keys = harness.keys();
    this.redis = harness.redis();
    List<Coordinator.Extension> all = new ArrayList<>();
    all.add(MergeGate.extension(settings.apply(config(GateConfig.DEFAULT_GROUP_ID))));
    all.addAll(extensions);
    harness.start(all);
    this.events = harness.tail(harness.topics().events());
  }

  /** The test's gate configuration in the consumer group {@code group} of its namespace. */
  GateConfig config(String group) {
    return GateConfig.defaults()
        .withGroupId(namespace.group(group))
        .withFailurePolicy(2, Duration.ofMillis(200));
  }

  /**
   * Starts another coordinator with a gate, on the same topics, keys and origin, in its own work
   * directory {@code name}; it stops with the harness.
   */
  void startAnotherGate(String name, GateConfig config) {
    Harness other = new Harness(stack, namespace, dir.resolve(name));
    others.add(other);
    other.start(List.of(MergeGate.extension(config)));
  }

  /** The repository's most recent gate verdicts in Redis, newest first. */
  List<GateVerdict> recentVerdicts() {
    return redis
        .<String>getList(keys.gateVerdicts(repoId()), StringCodec.INSTANCE)
        .readAll()
        .stream()
        .map(json -> Json.decode(json, GateVerdict.class))
        .toList();
  }

  /** The requests of the repository that a gate has read and not yet decided, in Redis. */
  List<QueuedRequest> queued() {
    return redis
        .<String, String>getMap(keys.gateQueue(repoId()), StringCodec.INSTANCE)
        .readAllValues()
        .stream()
        .map(json -> Json.decode(json, QueuedRequest.class))
        .toList();
  }

  RepoId repoId() {
    return RepoId.fromUrl(repo.url());
  }

  /** The repository as the HTTP API shows it. */
  GateView.Snapshot view() {
    return new GateView(redis, keys).of(repoId()).orElseThrow();
  }

  /**
   * Records main's current commit and passing tests as the gate's baseline, as the planner does.
   */
  void savePlannersBaseline() {
    Set<String> passing = Set.copyOf(repo.passing().stream().map(ExampleRepo::testId).toList());
    saveBaseline(new GateBaseline(repoId(), repo.mainHead(), passing, Instant.now()));
  }

  /** Offers a baseline as the planner does. */
  void saveBaseline(GateBaseline baseline) {
    new Baselines(redis, keys).offer(baseline);
  }

  Optional<GateBaseline> baseline() {
    String json = redis.<String>getBucket(keys.gate(repoId()), StringCodec.INSTANCE).get();
    return Optional.ofNullable(json).map(j -> Json.decode(j, GateBaseline.class));
  }

  /**
   * A worker's candidate for {@code unit}: a clone of the current main with {@code writes} written
   * and {@code deletes} removed, committed with provenance trailers and pushed as a unit branch.
   */
  Candidate candidate(String unit, Map<String, String> writes, List<String> deletes) {
    return candidate(
        unit,
        clone -> {
          for (Map.Entry<String, String> write : writes.entrySet()) {
            Path file = clone.resolve(write.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, write.getValue() + "\n");
          }
          for (String path : deletes) {
            WORKER_GIT.run(clone, "rm", "--quiet", path);
          }
        });
  }

  /**
   * A candidate made by running a scripted agent in the clone, with {@code targets} (test ids) in
   * {@code FLEETQ_TARGET_TESTS}, as the worker runs it.
   */
  Candidate candidateBy(String unit, ScriptedAgent agent, List<String> targets) {
    return candidate(
        unit,
        clone -> {
          ProcessBuilder builder =
              new ProcessBuilder("sh", agent.script().toString())
                  .directory(clone.toFile())
                  .redirectErrorStream(true)
                  .redirectOutput(dir.resolve("agent-" + unit + ".log").toFile());
          builder.environment().put("FLEETQ_TARGET_TESTS", String.join("\n", targets));
          Process process = builder.start();
          try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
              process.destroyForcibly();
              throw new IllegalStateException("the scripted agent failed in " + clone);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  private Candidate candidate(String unit, Work work) {
    try {
      Path clone = dir.resolve("worker-" + unit);
      WORKER_GIT.run(dir, "clone", "--quiet", repo.url(), clone.toString());
      String branch = "fleetq/" + JOB + "/" + unit + "/a1";
      WORKER_GIT.run(clone, "checkout", "--quiet", "-b", branch);
      String base = WORKER_GIT.run(clone, "rev-parse", "HEAD");
      work.apply(clone);
      WORKER_GIT.run(clone, "add", "--all");
      WORKER_GIT.run(
          clone,
          "commit",
          "--quiet",
          "-m",
          "Work on "
              + unit
              + "\n\nFleetq-Job: "
              + JOB
              + "\nFleetq-Unit: "
              + unit
              + "\nFleetq-Attempt: 1");
      WORKER_GIT.run(clone, "push", "--quiet", "origin", "HEAD:refs/heads/" + branch);
      return new Candidate(
          new UnitKey(JOB, UnitId.parse(unit)),
          branch,
          WORKER_GIT.run(clone, "rev-parse", "HEAD"),
          base);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fix of example test {@code n}, as an agent writes it. */
  static Map.Entry<String, String> fix(int n) {
    return Map.entry(String.format("src/f%02d.txt", n), ExampleRepo.fixedContent(n));
  }

  /** A break of example test {@code n}. */
  static Map.Entry<String, String> breaking(int n) {
    return Map.entry(String.format("src/f%02d.txt", n), "broken-by-agent");
  }

  GateRequest request(Candidate candidate, int attempt) {
    return request(candidate, attempt, ExampleRepo.TEST_COMMAND);
  }

  GateRequest request(Candidate candidate, int attempt, String testCommand) {
    return request(candidate, attempt, List.of(), gateSpec(testCommand));
  }

  /** The example repository's gate, with its test command. */
  static GateSpec gateSpec(String testCommand) {
    return new GateSpec(testCommand, List.of(ExampleRepo.REPORT_GLOB), Duration.ofMinutes(1));
  }

  GateRequest request(Candidate candidate, int attempt, List<String> scope, GateSpec gate) {
    return request(candidate, attempt, scope, List.of(), gate);
  }

  /** The request of a unit whose target tests are {@code targets}, as the worker sends it. */
  GateRequest targeting(Candidate candidate, List<String> targets, String testCommand) {
    return request(candidate, 1, List.of(), targets, gateSpec(testCommand));
  }

  GateRequest request(
      Candidate candidate, int attempt, List<String> scope, List<String> targets, GateSpec gate) {
    return request(candidate, attempt, scope, targets, gate, null);
  }

  /** The first attempt's request, from an agent that ran in a container of {@code image}. */
  GateRequest requestIn(Candidate candidate, String image) {
    GateRequest local = request(candidate, 1);
    return request(candidate, 1, local.scope(), local.targetTests(), local.gate(), image);
  }

  private GateRequest request(
      Candidate candidate,
      int attempt,
      List<String> scope,
      List<String> targets,
      GateSpec gate,
      String image) {
    return new GateRequest(
        candidate.key().job(),
        candidate.key().unit(),
        attempt,
        WorkerId.parse("w1"),
        new RepoSpec(repo.url(), "main"),
        candidate.branch(),
        candidate.commit(),
        candidate.base(),
        scope,
        targets,
        gate,
        Instant.now(),
        image);
  }

  /** Writes the unit's projected state with {@code status}, as the projector would. */
  void setProjectedStatus(UnitKey unit, UnitStatus status) {
    UnitState state =
        new UnitState(
            unit.job(), unit.unit(), null, status, 1, null, List.of(), null, Instant.now());
    redis.getBucket(keys.unit(unit), StringCodec.INSTANCE).set(Json.encodeToString(state));
  }

  /** Waits for the gate to record a verdict on the unit, with or without an event. */
  GateVerdict awaitRecordedVerdict(UnitKey unit) {
    return Harness.eventually()
        .atMost(VERDICT_WAIT)
        .until(
            () -> recentVerdicts().stream().filter(v -> v.key().equals(unit)).findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  /** Sets the unit's fencing epoch with the publisher's atomic long. */
  void setAttempt(UnitKey unit, int attempt) {
    redis.getAtomicLong(keys.attempt(unit)).set(attempt);
  }

  /** Publishes the request on the gate topic, as the worker does after its push. */
  void send(GateRequest request) {
    harness.produce(
        harness.topics().gate(), request.repoId().value(), Json.encodeToString(request));
  }

  /** Publishes raw text on the gate topic, as a broken producer might. */
  void sendRaw(String value) {
    harness.produce(harness.topics().gate(), repoId().value(), value);
  }

  /** Waits for {@code count} records on the dead-letter topic; returns them in order. */
  List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(int count) {
    TopicTail letters = harness.tail(harness.topics().dlq());
    Harness.eventually().atMost(VERDICT_WAIT).until(() -> letters.records().size() >= count);
    return letters.records();
  }

  /** Sets the fence to the request's attempt and sends it. */
  void submit(GateRequest request) {
    setAttempt(request.key(), request.attempt());
    send(request);
  }

  /** Waits for the {@code count}-th verdict ({@code LANDED} or {@code RETRYING}) on the unit. */
  UnitEvent awaitVerdict(UnitKey unit, int count) {
    Harness.eventually()
        .atMost(VERDICT_WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> verdicts(unit).size() >= count);
    return verdicts(unit).get(count - 1);
  }

  UnitEvent awaitVerdict(UnitKey unit) {
    return awaitVerdict(unit, 1);
  }

  /** Every unit event read so far, in order within each job (a job's events share a partition). */
  List<UnitEvent> allEvents() {
    return events.unitEvents();
  }

  /** Every event read so far about the unit. */
  List<UnitEvent> events(UnitKey unit) {
    return events.unitEvents().stream().filter(event -> event.key().equals(unit)).toList();
  }

  private List<UnitEvent> verdicts(UnitKey unit) {
    return events(unit).stream()
        .filter(
            e ->
                e.status() == UnitStatus.LANDED
                    || e.status() == UnitStatus.SUPERSEDED
                    || e.status() == UnitStatus.RETRYING)
        .toList();
  }

  Optional<String> landed(UnitKey unit) {
    return Optional.ofNullable(
        redis.<String>getBucket(keys.landed(unit), StringCodec.INSTANCE).get());
  }

  /** How often the gate counted {@code test} of the example repository as flaky. */
  long flakeCount(String test) {
    String count =
        redis.<String, String>getMap(keys.flakes(repoId()), StringCodec.INSTANCE).get(test);
    return count == null ? 0 : Long.parseLong(count);
  }

  /**
   * Leaves the state a gate that died while landing {@code unit} as {@code commit} leaves: an
   * unconfirmed landing mark that nobody renews.
   */
  void markLandedByADeadGate(UnitKey unit, String commit) {
    new GateLedger(redis, keys, MergeGate.LANDING_LEASE).markLanded(unit, commit);
  }

  /** Moves the origin's main to {@code commit}, as a push from outside fleetq does. */
  void moveMain(String commit) {
    WORKER_GIT.run(repo.origin(), "update-ref", "refs/heads/main", commit, repo.mainHead());
  }

  /** A file as it is on the origin's main. */
  String onMain(String path) {
    return WORKER_GIT.run(repo.origin(), "show", "main:" + path);
  }

  @Override
  public void close() {
    try {
      others.forEach(Harness::close);
    } finally {
      harness.close();
    }
  }

  /** What an agent does in its clone. */
  @FunctionalInterface
  interface Work {
    void apply(Path clone) throws IOException;
  }

  /** The candidate branches ({@code fleetq/...}) the origin holds now. */
  List<String> originCandidateBranches() {
    return WORKER_GIT
        .run(repo.origin(), "for-each-ref", "--format=%(refname:short)", "refs/heads/fleetq/")
        .lines()
        .toList();
  }

  /** A pushed candidate branch. */
  record Candidate(UnitKey key, String branch, String commit, String base) {}
}
