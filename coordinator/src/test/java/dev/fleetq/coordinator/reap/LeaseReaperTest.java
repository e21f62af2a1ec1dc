package dev.fleetq.coordinator.reap;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.coordinator.state.JobStates;
import dev.fleetq.coordinator.state.Projector;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.MutableClock;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.state.WorkerHeartbeat;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

@WithDevStack
class LeaseReaperTest {
  private static final JobId JOB = JobId.parse("job-reaped");
  private static final Duration GRACE = Duration.ofSeconds(30);

  private Harness harness;
  private UnitPublisher publisher;
  private JobStates states;
  private TopicTail events;
  private TopicTail units;
  private final MutableClock clock = new MutableClock(ModelFixtures.T0);

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace, @TempDir Path dir) {
    harness = new Harness(stack, namespace, dir).provision();
    publisher = harness.publisher(Clock.systemUTC());
    states = new JobStates(harness.redis(), harness.keys());
    events = harness.tail(harness.topics().events());
    units = harness.tail(harness.topics().units());
    Projector projector =
        new Projector(
            harness.consumer(harness.config().projectorGroup()),
            harness.topics().events(),
            harness.redis(),
            harness.keys(),
            harness.events(),
            harness.deadLetters(),
            publisher,
            harness.loopSettings(),
            Clock.systemUTC());
    projector.start();
    harness.own(projector);
    beat(ModelFixtures.WORKER);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void runningUnitWhoseLeaseStaysFreeIsHandedBackAfterTheGraceAndPublishedAgain() throws Exception {
    List<WorkUnit> planned = plan(2);
    WorkUnit abandoned = planned.get(0);
    WorkUnit held = planned.get(1);
    RLock lease = harness.redis().getLock(harness.keys().unitLock(held.key()));
    lease.lock();
    run(abandoned);
    run(held);
    awaitUnit(abandoned.key(), s -> s.status() == UnitStatus.RUNNING);
    awaitUnit(held.key(), s -> s.status() == UnitStatus.RUNNING);
    CoordinatorMetrics metrics = new CoordinatorMetrics(new PrometheusRegistry());
    LeaseReaper reaper = reaper(harness.redis(), metrics);

    List<UnitKey> first = reaper.runRound();
    Scrape beforeGrace = scrape(metrics);
    clock.advance(GRACE.minusSeconds(1));
    List<UnitKey> withinGrace = reaper.runRound();
    clock.advance(Duration.ofSeconds(1));
    List<UnitKey> afterGrace = reaper.runRound();

    assertThat(reaper.isActive()).as("the only reaper leads").isTrue();
    assertThat(first).as("handed back in the first round").isEmpty();
    assertThat(withinGrace).as("handed back within the grace").isEmpty();
    assertThat(afterGrace).as("handed back after the grace").containsExactly(abandoned.key());
    assertThat(beforeGrace.sum("fleetq_units_pending", "status", "RUNNING"))
        .as("running units the leader reports pending")
        .isEqualTo(2);
    assertThat(beforeGrace.sum("fleetq_units_pending"))
        .as("pending units of every status")
        .isEqualTo(2);
    assertThat(scrape(metrics).sum("fleetq_lease_expirations_total"))
        .as("lease expirations counted")
        .isEqualTo(1);
    UnitState retried = awaitUnit(abandoned.key(), s -> s.attempt() == 2);
    assertThat(retried.status())
        .as("status of the handed back unit")
        .isEqualTo(UnitStatus.PUBLISHED);
    eventually().until(() -> units.units().stream().anyMatch(u -> u.attempt() == 2));
    UnitEvent retrying =
        events.unitEvents().stream()
            .filter(e -> e.status() == UnitStatus.RETRYING)
            .findFirst()
            .orElseThrow();
    assertThat(retrying.reason()).as("reason").isEqualTo(Reason.LEASE_LOST);
    assertThat(retrying.attempt()).as("attempt").isEqualTo(1);
    assertThat(retrying.detail())
        .as("detail")
        .isEqualTo("lease of worker worker-1 expired while the unit was RUNNING");
    clock.advance(GRACE.multipliedBy(2));
    assertThat(reaper.runRound()).as("handed back later").isEmpty();
    assertThat(states.unit(held.key()).orElseThrow())
        .as("unit whose lease is held")
        .satisfies(s -> assertThat(s.status()).as("status").isEqualTo(UnitStatus.RUNNING))
        .satisfies(s -> assertThat(s.attempt()).as("attempt").isEqualTo(1));
    lease.unlock();
  }

  @Test
  void unitOfAWorkerWithoutHeartbeatIsHandedBackAtOnceAndItsLeaseFreed() throws Exception {
    WorkerId dead = WorkerId.parse("worker-dead");
    WorkUnit unit = plan(1).get(0);
    RLock lease = harness.redis().getLock(harness.keys().unitLock(unit.key()));
    lease.lock();
    harness.emit(event(unit, UnitStatus.CLAIMED, dead), event(unit, UnitStatus.RUNNING, dead));
    awaitUnit(unit.key(), s -> s.status() == UnitStatus.RUNNING);
    LeaseReaper reaper = reaper(harness.redis());

    List<UnitKey> first = reaper.runRound();

    assertThat(first)
        .as("handed back in the first round, the lease still held")
        .containsExactly(unit.key());
    assertThat(lease.isLocked()).as("the dead worker's lease").isFalse();
    UnitState retried = awaitUnit(unit.key(), s -> s.attempt() == 2);
    assertThat(retried.status())
        .as("status of the handed back unit")
        .isEqualTo(UnitStatus.PUBLISHED);
    assertThat(
            events.unitEvents().stream()
                .filter(e -> e.status() == UnitStatus.RETRYING)
                .findFirst()
                .orElseThrow()
                .detail())
        .as("detail")
        .isEqualTo("worker worker-dead stopped sending heartbeats while the unit was RUNNING");
  }

  @Test
  void unitThatMovesOnDuringTheGraceIsLeftAlone() throws Exception {
    WorkUnit unit = plan(1).get(0);
    run(unit);
    awaitUnit(unit.key(), s -> s.status() == UnitStatus.RUNNING);
    LeaseReaper reaper = reaper(harness.redis());

    reaper.runRound();
    harness.emit(event(unit, UnitStatus.PUSHED));
    awaitUnit(unit.key(), s -> s.status() == UnitStatus.PUSHED);
    clock.advance(GRACE.multipliedBy(2));

    assertThat(reaper.runRound()).as("handed back").isEmpty();
  }

  @Test
  void onlyOneOfTwoReapersIsActiveAndTheOtherTakesOverWhenItStops() {
    Duration lease = harness.config().leaderLease();
    CoordinatorMetrics oneMetrics = new CoordinatorMetrics(new PrometheusRegistry());
    CoordinatorMetrics twoMetrics = new CoordinatorMetrics(new PrometheusRegistry());
    LeaseReaper one = reaper(harness.connect(lease), oneMetrics);
    LeaseReaper two = reaper(harness.connect(lease), twoMetrics);
    one.start();
    two.start();

    eventually().until(() -> one.isActive() || two.isActive());
    eventually()
        .during(Duration.ofSeconds(2))
        .until(() -> Stream.of(one, two).filter(LeaseReaper::isActive).count() == 1);
    LeaseReaper active = one.isActive() ? one : two;
    LeaseReaper standby = active == one ? two : one;
    CoordinatorMetrics standbyMetrics = active == one ? twoMetrics : oneMetrics;
    CoordinatorMetrics activeMetrics = active == one ? oneMetrics : twoMetrics;
    eventually().until(() -> !scrape(activeMetrics).samples("fleetq_units_pending").isEmpty());
    assertThat(scrape(standbyMetrics).samples("fleetq_units_pending"))
        .as("pending series of the standby reaper")
        .isEmpty();
    active.close();

    eventually().until(standby::isActive);
    assertThat(active.isActive()).as("stopped reaper is active").isFalse();
  }

  private LeaseReaper reaper(RedissonClient redis) {
    return reaper(redis, new CoordinatorMetrics(new PrometheusRegistry()));
  }

  private LeaseReaper reaper(RedissonClient redis, CoordinatorMetrics metrics) {
    LeaseReaper reaper =
        new LeaseReaper(
            new JobStates(redis, harness.keys()),
            redis,
            harness.keys(),
            harness.events(),
            harness.config().reaperInterval(),
            GRACE,
            harness.config().shutdownTimeout(),
            metrics,
            clock);
    harness.own(reaper);
    return reaper;
  }

  private List<WorkUnit> plan(int count) {
    harness.emit(new JobEvent(JOB, JobStatus.ACCEPTED, 0, null, ModelFixtures.T0));
    List<WorkUnit> planned =
        IntStream.rangeClosed(1, count)
            .mapToObj(i -> ModelFixtures.aWorkUnit(JOB, UnitId.parse("u" + i), 1))
            .toList();
    planned.forEach(publisher::publish);
    harness.emit(new JobEvent(JOB, JobStatus.RUNNING, count, null, ModelFixtures.T0));
    return planned;
  }

  private void run(WorkUnit unit) {
    harness.emit(event(unit, UnitStatus.CLAIMED), event(unit, UnitStatus.RUNNING));
  }

  private static UnitEvent event(WorkUnit unit, UnitStatus status) {
    return event(unit, status, ModelFixtures.WORKER);
  }

  private static UnitEvent event(WorkUnit unit, UnitStatus status, WorkerId worker) {
    return new UnitEvent(
        unit.jobId(), unit.unitId(), 1, status, worker, null, null, ModelFixtures.T0);
  }

  /** Writes a heartbeat of a live worker, as its heartbeat thread does. */
  private void beat(WorkerId worker) {
    harness
        .redis()
        .<String>getBucket(harness.keys().worker(worker), StringCodec.INSTANCE)
        .set(
            Json.encodeToString(
                new WorkerHeartbeat(worker, 1, List.of(), "test", ModelFixtures.T0)),
            Duration.ofMinutes(5));
  }

  private UnitState awaitUnit(UnitKey key, Predicate<UnitState> condition) {
    eventually().until(() -> states.unit(key).filter(condition).isPresent());
    return states.unit(key).orElseThrow();
  }

  private static Scrape scrape(CoordinatorMetrics metrics) {
    return Scrape.of(
        PrometheusTextFormatWriter.create().toDebugString(metrics.registry().scrape()));
  }
}
