package dev.fleetq.coordinator.state;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.coordinator.testing.Units;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.HostileRecords;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.AttemptFailure;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.DeadLetterHeaders;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RBucket;
import org.redisson.client.codec.StringCodec;

@WithDevStack
class ProjectorTest {
  private static final JobId JOB = JobId.parse("job-projected");
  private static final WorkerId WORKER = ModelFixtures.WORKER;
  private static final String COMMIT = ModelFixtures.aCommit('d');

  private Harness harness;
  private UnitPublisher publisher;
  private JobStates states;
  private TopicTail events;
  private TopicTail units;
  private Instant now = ModelFixtures.T0;

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace, @TempDir Path dir) {
    harness = new Harness(stack, namespace, dir).provision();
    publisher = harness.publisher(Clock.systemUTC());
    states = new JobStates(harness.redis(), harness.keys());
    events = harness.tail(harness.topics().events());
    units = harness.tail(harness.topics().units());
    startProjector(harness.config().projectorGroup());
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void foldsUnitsAndJobAndSucceedsTheJobOnceEveryUnitLanded() {
    List<WorkUnit> planned = plan(JOB, 2, 3);

    for (WorkUnit unit : planned) {
      work(unit, 1);
      land(unit, 1);
    }

    JobState job = awaitJob(JOB, JobStatus.SUCCEEDED);
    assertThat(job.unitCount()).as("unit count").isEqualTo(2);
    assertThat(job.counts()).as("counts").containsOnly(entry(UnitStatus.LANDED, 2));
    assertThat(job.detail()).as("detail").isEqualTo("all 2 units landed");
    UnitState unit = states.units(JOB).get(0);
    assertThat(unit.status()).as("unit status").isEqualTo(UnitStatus.LANDED);
    assertThat(unit.title()).as("unit title").isEqualTo(planned.get(0).title());
    assertThat(unit.worker()).as("unit worker").isEqualTo(WORKER);
    assertThat(unit.landedCommit()).as("landed commit").isEqualTo(COMMIT);
    eventually().until(() -> jobStatuses(JOB).contains(JobStatus.SUCCEEDED));
    assertThat(jobStatuses(JOB))
        .as("job events, with the outcome emitted once")
        .containsExactly(JobStatus.ACCEPTED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
  }

  @Test
  void jobsAreListedNewestFirst() {
    harness.emit(new JobEvent(JobId.parse("job-old"), JobStatus.ACCEPTED, 0, null, at()));
    harness.emit(new JobEvent(JobId.parse("job-new"), JobStatus.ACCEPTED, 0, null, at()));

    eventually().until(() -> states.jobs(10).size() == 2);
    assertThat(states.jobs(10))
        .as("jobs")
        .extracting(job -> job.jobId().value())
        .containsExactly("job-new", "job-old");
    assertThat(states.jobs(1)).as("newest job").hasSize(1);
    assertThat(states.job(JobId.parse("job-none"))).as("unknown job").isEmpty();
  }

  @Test
  void retryingPublishesTheNextAttemptExactlyOnceEvenWhenTheEventIsReplayed() {
    WorkUnit unit = plan(JOB, 1, 3).get(0);
    work(unit, 1);
    UnitEvent retrying = event(unit, 1, UnitStatus.RETRYING, Reason.REGRESSION, "broke t07");

    harness.emit(retrying, retrying);
    syncWith(JOB);

    UnitState state = awaitUnit(unit.key(), s -> s.attempt() == 2);
    assertThat(state.status()).as("status").isEqualTo(UnitStatus.PUBLISHED);
    assertThat(state.failures())
        .as("history")
        .containsExactly(new AttemptFailure(1, Reason.REGRESSION, "broke t07"));
    assertThat(units.units())
        .as("attempts on the units topic")
        .filteredOn(u -> u.unitId().equals(unit.unitId()))
        .extracting(WorkUnit::attempt)
        .containsExactly(1, 2);
    assertThat(harness.redis().getAtomicLong(harness.keys().attempt(unit.key())).get())
        .as("fence")
        .isEqualTo(2);
  }

  @Test
  void unitFailsOnceItsAttemptsAreUsedWithEveryReasonAndTheJobFails() {
    WorkUnit unit = plan(JOB, 1, 2).get(0);
    work(unit, 1);
    harness.emit(event(unit, 1, UnitStatus.RETRYING, Reason.AGENT_FAILED, "exit 3"));
    awaitUnit(unit.key(), s -> s.attempt() == 2);
    work(unit, 2);
    harness.emit(event(unit, 2, UnitStatus.RETRYING, Reason.CONFLICT, "src/f01.txt"));

    UnitState failed = awaitUnit(unit.key(), s -> s.status() == UnitStatus.FAILED);
    JobState job = awaitJob(JOB, JobStatus.FAILED);

    assertThat(failed.failures())
        .as("history")
        .extracting(AttemptFailure::reason)
        .containsExactly(Reason.AGENT_FAILED, Reason.CONFLICT);
    UnitEvent event =
        events.unitEvents().stream()
            .filter(e -> e.status() == UnitStatus.FAILED)
            .findFirst()
            .orElseThrow();
    assertThat(event.reason()).as("reason").isEqualTo(Reason.ATTEMPTS_EXHAUSTED);
    assertThat(event.detail())
        .as("detail")
        .isEqualTo(
            "used all 2 attempts\nattempt 1: AGENT_FAILED (exit 3)\nattempt 2: CONFLICT (src/f01.txt)");
    assertThat(job.detail()).as("job detail").startsWith("1 of 1 units failed");
    eventually().until(() -> jobStatuses(JOB).contains(JobStatus.FAILED));
  }

  @Test
  void cancellingTheJobCancelsEveryUnfinishedUnitAndLeavesLandedOnesAlone() {
    List<WorkUnit> planned = plan(JOB, 3, 3);
    work(planned.get(0), 1);
    land(planned.get(0), 1);
    work(planned.get(1), 1);
    awaitUnit(planned.get(1).key(), s -> s.status() == UnitStatus.RUNNING);
    awaitUnit(planned.get(0).key(), s -> s.status() == UnitStatus.LANDED);

    harness.emit(new JobEvent(JOB, JobStatus.CANCELLED, 0, "cancelled by an engineer", at()));

    JobState job = awaitJob(JOB, JobStatus.CANCELLED);
    eventually()
        .until(
            () ->
                states.units(JOB).stream().filter(u -> u.status() == UnitStatus.CANCELLED).count()
                    == 2);
    assertThat(states.unit(planned.get(0).key()).orElseThrow().status())
        .as("landed unit")
        .isEqualTo(UnitStatus.LANDED);
    assertThat(job.detail()).as("job detail").isEqualTo("cancelled by an engineer");
    eventually()
        .until(
            () ->
                events.unitEvents().stream().filter(e -> e.status() == UnitStatus.CANCELLED).count()
                    == 2);
    assertThat(events.unitEvents())
        .as("CANCELLED events")
        .filteredOn(e -> e.status() == UnitStatus.CANCELLED)
        .extracting(UnitEvent::unitId, UnitEvent::reason)
        .containsExactlyInAnyOrder(
            tuple(planned.get(1).unitId(), Reason.CANCELLED),
            tuple(planned.get(2).unitId(), Reason.CANCELLED));
    // A worker that had not heard of the cancellation yet changes nothing.
    harness.emit(event(planned.get(1), 1, UnitStatus.PUSHED, null, null));
    syncWith(JOB);
    assertThat(states.unit(planned.get(1).key()).orElseThrow().status())
        .as("cancelled unit after a late PUSHED")
        .isEqualTo(UnitStatus.CANCELLED);
  }

  @Test
  void badEventsAreDeadLetteredAndTheNextEventIsProjected() {
    TopicTail dlq = harness.tail(harness.topics().dlq());
    WorkUnit unit = ModelFixtures.aWorkUnit(JOB, UnitId.parse("u1"), 1);
    harness.produce(harness.topics().events(), JOB.value(), "{\"type\": \"unit\", \"jobId\": ");
    harness.emit(event(unit, 1, UnitStatus.RETRYING, null, "no reason given"));
    HostileRecords.values()
        .forEach(value -> harness.produce(harness.topics().events(), JOB.value(), value));
    harness.emit(event(unit, 1, UnitStatus.CLAIMED, null, null));

    awaitUnit(unit.key(), s -> s.status() == UnitStatus.CLAIMED);
    int letters = 2 + HostileRecords.values().size();
    eventually().until(() -> dlq.records().size() == letters);
    List<ConsumerRecord<byte[], byte[]>> rejected = dlq.records();
    assertThat(rejected.subList(0, 2))
        .as("error paths")
        .extracting(r -> TopicTail.header(r, DeadLetterHeaders.ERROR_PATH))
        .containsExactly("$", "reason");
    assertThat(rejected.subList(2, letters))
        .as("dead letters of the hostile records")
        .allSatisfy(
            r ->
                assertThat(TopicTail.header(r, DeadLetterHeaders.ERROR))
                    .as("error")
                    .startsWith(TopicTail.header(r, DeadLetterHeaders.ERROR_PATH) + ": "));
    assertThat(TopicTail.header(rejected.get(1), DeadLetterHeaders.ERROR))
        .as("error")
        .isEqualTo("reason: is required when status is RETRYING");
    assertThat(TopicTail.header(rejected.get(0), DeadLetterHeaders.REJECTED_BY))
        .as("rejected by")
        .isEqualTo(Projector.NAME);
  }

  @Test
  void whenRedisLosesItsDataTheProjectorRebuildsItFromKafkaAndRetriesGoOn() {
    List<WorkUnit> planned = plan(JOB, 3, 3);
    work(planned.get(0), 1);
    land(planned.get(0), 1);
    work(planned.get(1), 1);
    harness.emit(event(planned.get(1), 1, UnitStatus.RETRYING, Reason.NO_CHANGES, "nothing"));
    awaitUnit(planned.get(1).key(), s -> s.attempt() == 2);
    work(planned.get(1), 2);
    syncWith(JOB);
    JobState job = states.job(JOB).orElseThrow();
    List<UnitState> projected = states.units(JOB);

    // What FLUSHALL does to an installation, without touching other tests' keys.
    harness.redis().getKeys().deleteByPattern(harness.keys().prefix() + "*");
    assertThat(states.job(JOB)).as("job after Redis lost its data").isEmpty();

    eventually().until(() -> states.job(JOB).equals(Optional.of(job)));
    eventually().until(() -> states.units(JOB).equals(projected));
    assertThat(job.counts())
        .as("counts, with the marker unit of syncWith")
        .containsOnly(
            entry(UnitStatus.LANDED, 1),
            entry(UnitStatus.RUNNING, 1),
            entry(UnitStatus.PUBLISHED, 1),
            entry(UnitStatus.CLAIMED, 1));
    RBucket<String> landed =
        harness
            .redis()
            .getBucket(harness.keys().landed(planned.get(0).key()), StringCodec.INSTANCE);
    assertThat(landed.get()).as("landing mark of u1, from its LANDED event").isEqualTo(COMMIT);
    assertThat(landed.remainTimeToLive())
        .as("its time to live: none, it is confirmed")
        .isEqualTo(-1);
    assertThat(harness.redis().getAtomicLong(harness.keys().attempt(planned.get(1).key())).get())
        .as("fence of u2, from the units topic")
        .isEqualTo(2);
    harness.emit(event(planned.get(1), 2, UnitStatus.RETRYING, Reason.NO_CHANGES, "again"));
    awaitUnit(planned.get(1).key(), s -> s.attempt() == 3);
    assertThat(units.units())
        .as("attempts of u2 published: none again by the rebuild, the retry after it")
        .filteredOn(u -> u.unitId().equals(planned.get(1).unitId()))
        .extracting(WorkUnit::attempt)
        .containsExactly(1, 2, 3);
  }

  private void startProjector(String group) {
    Projector projector =
        new Projector(
            harness.consumer(group),
            harness.topics().events(),
            harness.redis(),
            harness.keys(),
            harness.events(),
            harness.deadLetters(),
            publisher,
            harness.recovery(publisher),
            harness.loopSettings(),
            Clock.systemUTC());
    projector.start();
    harness.own(projector);
  }

  /** Accepts a job and publishes its units as the planner would; returns the units. */
  private List<WorkUnit> plan(JobId job, int count, int maxAttempts) {
    harness.emit(new JobEvent(job, JobStatus.ACCEPTED, 0, null, at()));
    List<WorkUnit> planned =
        IntStream.rangeClosed(1, count)
            .mapToObj(
                i ->
                    Units.withMaxAttempts(
                        ModelFixtures.aWorkUnit(job, UnitId.parse("u" + i), 1), maxAttempts))
            .toList();
    planned.forEach(publisher::publish);
    harness.emit(new JobEvent(job, JobStatus.RUNNING, count, null, at()));
    return planned;
  }

  /** A worker claims and runs the attempt. */
  private void work(WorkUnit unit, int attempt) {
    harness.emit(
        event(unit, attempt, UnitStatus.CLAIMED, null, null),
        event(unit, attempt, UnitStatus.RUNNING, null, null));
  }

  /** The worker pushes and the gate lands the attempt. */
  private void land(WorkUnit unit, int attempt) {
    harness.emit(event(unit, attempt, UnitStatus.PUSHED, null, null));
    harness.redis().getBucket(harness.keys().landed(unit.key()), StringCodec.INSTANCE).set(COMMIT);
    harness.emit(
        new UnitEvent(
            unit.jobId(), unit.unitId(), attempt, UnitStatus.GATING, null, null, null, at()),
        new UnitEvent(
            unit.jobId(), unit.unitId(), attempt, UnitStatus.LANDED, null, null, COMMIT, at()));
  }

  /**
   * Waits until the projector has handled every event of the job emitted so far: a marker unit's
   * event, on the same partition, is handled after them.
   */
  private void syncWith(JobId job) {
    UnitId marker = UnitId.parse("marker-" + System.nanoTime());
    harness.emit(new UnitEvent(job, marker, 1, UnitStatus.CLAIMED, WORKER, null, null, at()));
    awaitUnit(new UnitKey(job, marker), s -> true);
  }

  private UnitEvent event(
      WorkUnit unit, int attempt, UnitStatus status, Reason reason, String detail) {
    return new UnitEvent(
        unit.jobId(), unit.unitId(), attempt, status, WORKER, reason, detail, at());
  }

  private Instant at() {
    now = now.plusSeconds(1);
    return now;
  }

  private JobState awaitJob(JobId job, JobStatus status) {
    eventually().until(() -> states.job(job).map(JobState::status).orElse(null) == status);
    return states.job(job).orElseThrow();
  }

  private UnitState awaitUnit(UnitKey key, Predicate<UnitState> condition) {
    eventually().until(() -> states.unit(key).filter(condition).isPresent());
    return states.unit(key).orElseThrow();
  }

  private List<JobStatus> jobStatuses(JobId job) {
    return events.jobEvents().stream()
        .filter(e -> e.jobId().equals(job))
        .map(JobEvent::status)
        .toList();
  }
}
