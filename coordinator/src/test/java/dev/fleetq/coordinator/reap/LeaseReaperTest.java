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
            harness.recovery(publisher),
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
  void publishedUnitThatAWorkerTookAndNobodyClaimedIsSentAgainAfterTheGrace() throws Exception {
    List<WorkUnit> planned = plan(2);
    WorkUnit dropped = planned.get(0);
    WorkUnit waiting = planned.get(1);
    markDelivered(dropped, ModelFixtures.WORKER);
    awaitUnit(waiting.key(), s -> s.status() == UnitStatus.PUBLISHED);
    awaitUnit(dropped.key(), s -> s.status() == UnitStatus.PUBLISHED);
    LeaseReaper reaper = reaper(harness.redis());

    List<UnitKey> first = reaper.runRound();
    clock.advance(GRACE);
    List<UnitKey> afterGrace = reaper.runRound();
    clock.advance(GRACE.multipliedBy(2));
    List<UnitKey> later = reaper.runRound();

    assertThat(first).as("sent again in the first round").isEmpty();
    assertThat(afterGrace).as("sent again after the grace").containsExactly(dropped.key());
    assertThat(later).as("sent again later, with no new delivery").isEmpty();
    eventually().until(() -> records(dropped) == 2);
    assertThat(records(waiting)).as("records of the unit still waiting in Kafka").isEqualTo(1);
    assertThat(harness.redis().getBucket(harness.keys().delivered(dropped.key(), 1)).isExists())
        .as("the delivery mark")
        .isFalse();
    eventually().until(() -> published(dropped).size() == 2);
    assertThat(published(dropped).get(1).detail())
        .as("detail of the second PUBLISHED")
        .isEqualTo("worker worker-1 took the delivery and nobody claimed it for PT30S");
    assertThat(scrape(harness.metrics()).sum("fleetq_units_published_total", "kind", "redelivery"))
        .as("redeliveries counted")
        .isEqualTo(1);
    assertThat(states.unit(dropped.key()).orElseThrow())
        .as("the unit sent again")
        .satisfies(s -> assertThat(s.status()).as("status").isEqualTo(UnitStatus.PUBLISHED))
        .satisfies(s -> assertThat(s.attempt()).as("attempt").isEqualTo(1));
  }

  @Test
  void publishedUnitTakenByAWorkerWithoutHeartbeatIsSentAgainAtOnceAndItsLeaseFreed()
      throws Exception {
    WorkUnit unit = plan(1).get(0);
    RLock lease = harness.redis().getLock(harness.keys().unitLock(unit.key()));
    lease.lock();
    markDelivered(unit, WorkerId.parse("worker-dead"));
    awaitUnit(unit.key(), s -> s.status() == UnitStatus.PUBLISHED);
    LeaseReaper reaper = reaper(harness.redis());

    assertThat(reaper.runRound()).as("sent again in the first round").containsExactly(unit.key());
    assertThat(lease.isLocked()).as("the dead taker's lease").isFalse();
    eventually().until(() -> records(unit) == 2);
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
            publisher,
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

  /** Marks a delivery of the unit's first attempt as taken, as a worker does before claiming. */
  private void markDelivered(WorkUnit unit, WorkerId taker) {
    harness
        .redis()
        .<String>getBucket(harness.keys().delivered(unit.key(), 1), StringCodec.INSTANCE)
        .set(taker.value());
  }

  private long records(WorkUnit unit) {
    return units.units().stream().filter(u -> u.key().equals(unit.key())).count();
  }

  private List<UnitEvent> published(WorkUnit unit) {
    return events.unitEvents().stream()
        .filter(e -> e.unitId().equals(unit.unitId()))
        .filter(e -> e.status() == UnitStatus.PUBLISHED)
        .toList();
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
