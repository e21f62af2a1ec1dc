package dev.fleetq.coordinator.state;

import dev.fleetq.coordinator.LogContext;
import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.RecordLoop;
import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.AttemptFailure;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the events topic into the projection in Redis ({@link UnitFold}, {@link JobFold}) and acts
 * on the events that call for the coordinator:
 *
 * <ul>
 *   <li>{@code RETRYING} for a unit's current attempt: asks the {@link UnitPublisher} to retry it
 *       (the next attempt, or {@code FAILED}); the publisher's fence makes a replay harmless.
 *   <li>{@code JobEvent(CANCELLED)}: marks the job and each of its unfinished units {@code
 *       CANCELLED}, emitting a {@code UnitEvent(CANCELLED)} for each; a unit that shows up later in
 *       a cancelled job is cancelled the same way.
 *   <li>{@code LANDED}: every other unit of the job that is waiting ({@code PUBLISHED}), claimed or
 *       running, and whose target tests all pass on the repository's newest gate baseline (the
 *       landing's, which the gate stores before it reports the landing), is marked {@code
 *       SUPERSEDED} with a {@code UnitEvent} naming the landing and main's commit: main already
 *       does its work, so a worker stops its agent as a cancel does, and the gate lands nothing of
 *       it. A unit already pushed is left to the gate, which supersedes it when its merge changes
 *       no file. A unit with no target tests, or with only some of them passing, goes on.
 *   <li>A running job whose units have all ended: emits the {@code JobEvent} of its outcome.
 * </ul>
 *
 * A {@code LANDED} event also keeps the unit's landing mark ({@code landed:{unitKey}}), should
 * Redis have lost it. An event that does not decode, or a {@code RETRYING} without a reason, goes
 * to the dead-letter topic. Events are handled at least once; the folds are idempotent, so
 * replaying the topic gives the same projection.
 *
 * <p>When Redis has lost its data ({@link RedisRecovery}), the projector reads the topic again from
 * the beginning. Events read again are folded, and retries decided again (the restored fences make
 * that harmless), but the cancellations and supersessions they once caused are not repeated: those
 * are in the topic already, and deciding them again against today's main would end units that went
 * on to land. A job's outcome may be announced a second time.
 *
 * <p>Thread model: the consumer and every Redis write run on the projector's thread, the only
 * writer of the projection; events of one job share a partition and so are handled in order.
 */
public final class Projector implements AutoCloseable {
  /** The value of the dead-letter header {@code fleetq.rejected.by}. */
  public static final String NAME = "coordinator.projector";

  private static final Logger log = LoggerFactory.getLogger(Projector.class);

  /** The states in which a landing may supersede a unit; a pushed unit is the gate's to decide. */
  private static final Set<UnitStatus> SUPERSEDABLE =
      EnumSet.of(UnitStatus.PUBLISHED, UnitStatus.CLAIMED, UnitStatus.RUNNING);

  private final StateStore store;
  private final EventLog events;
  private final UnitPublisher publisher;
  private final RecordLoop loop;

  /** Whether the record in hand is read again after a rebuild; touched only by the loop thread. */
  private boolean replaying;

  /**
   * @param consumer a consumer of the projector's group, owned from now on by the projector
   */
  public Projector(
      KafkaConsumer<byte[], byte[]> consumer,
      String eventsTopic,
      RedissonClient redis,
      RedisKeys keys,
      EventLog events,
      DeadLetters deadLetters,
      UnitPublisher publisher,
      RedisRecovery recovery,
      RecordLoop.Settings settings,
      Clock clock) {
    this.store = new StateStore(redis, keys);
    this.events = events;
    this.publisher = publisher;
    this.loop =
        new RecordLoop(
            NAME, consumer, eventsTopic, this::handle, () -> true, deadLetters, settings, clock);
    this.loop.rewindWhen(recovery::lost);
  }

  /** Starts folding events. */
  public void start() {
    loop.start();
  }

  /** Whether the projector is folding events. */
  public boolean isRunning() {
    return loop.isRunning();
  }

  /** Stops folding, after the event in hand (bounded). */
  @Override
  public void close() {
    loop.close();
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    Event event = decode(record);
    replaying = loop.isReplay(record);
    if (event instanceof UnitEvent unit) {
      LogContext.inUnit(unit.key(), () -> onUnitEvent(unit));
    } else {
      LogContext.inJob(event.jobId(), () -> onJobEvent((JobEvent) event));
    }
  }

  private static Event decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new InvalidMessageException(InvalidMessageException.ROOT, "is empty (a tombstone)");
    }
    Event event = Json.decode(record.value(), Event.class);
    if (event instanceof UnitEvent unit
        && unit.status() == UnitStatus.RETRYING
        && unit.reason() == null) {
      throw new InvalidMessageException("reason", "is required when status is RETRYING");
    }
    return event;
  }

  private void onUnitEvent(UnitEvent event) {
    UnitState before = store.unit(event.key());
    UnitState after = UnitFold.apply(before, event);
    if (event.status() == UnitStatus.LANDED && event.detail() != null) {
      store.keepLanded(event.key(), event.detail().lines().findFirst().orElse(""));
    }
    if (after != before) {
      after = record(before, after, event.at());
      if (after.status() == UnitStatus.LANDED
          && event.status() == UnitStatus.LANDED
          && !replaying) {
        supersedeWorkDone(after, event.at());
      }
    }
    if (after.status() == UnitStatus.RETRYING
        && event.status() == UnitStatus.RETRYING
        && event.attempt() == after.attempt()) {
      publisher.retry(
          event.key(), new AttemptFailure(event.attempt(), event.reason(), event.detail()));
    }
  }

  /** Stores a unit's new state and the job's counts; returns the unit's state after all that. */
  private UnitState record(UnitState before, UnitState after, Instant at) {
    UnitState unit = enrich(after);
    store.putUnit(unit);
    JobState stored = store.job(unit.jobId());
    JobState job = stored != null ? stored : JobFold.unseen(unit.jobId(), at);
    UnitStatus from = before == null ? null : before.status();
    JobState moved = JobFold.unitMoved(job, from, unit.status(), landedTargets(from, unit), at);
    if (moved.status() == JobStatus.FAILED && job.status() != JobStatus.FAILED) {
      moved = JobFold.naming(moved, unfixedTargets(unit.jobId()));
    }
    if (moved != stored) {
      store.putJob(moved);
      announceOutcome(stored, moved, null);
    }
    if (moved.status() == JobStatus.CANCELLED && !unit.status().isTerminal() && !replaying) {
      return cancel(unit, at);
    }
    log.debug("{} is {} (attempt {})", unit.key(), unit.status(), unit.attempt());
    return unit;
  }

  /**
   * How many target tests a unit whose work has just reached main fixed: all of them, or the gate
   * refuses (a superseded unit's targets pass on main too).
   */
  private int landedTargets(UnitStatus from, UnitState unit) {
    if (!unit.status().isOnMain() || (from != null && from.isOnMain())) {
      return 0;
    }
    WorkUnit spec = store.spec(unit.key());
    return spec == null ? 0 : spec.targetTests().size();
  }

  /** The target tests of the job's units whose work is not on main. */
  private List<String> unfixedTargets(JobId job) {
    List<String> unfixed = new ArrayList<>();
    for (UnitState unit : store.units(job)) {
      WorkUnit spec = unit.status().isOnMain() ? null : store.spec(unit.key());
      if (spec != null) {
        unfixed.addAll(spec.targetTests());
      }
    }
    return unfixed;
  }

  private UnitState enrich(UnitState unit) {
    String title = unit.title() != null ? unit.title() : title(unit.key());
    String landed =
        unit.status() == UnitStatus.LANDED && unit.landedCommit() == null
            ? store.landedCommit(unit.key())
            : unit.landedCommit();
    if (title == unit.title() && landed == unit.landedCommit()) {
      return unit;
    }
    return new UnitState(
        unit.jobId(),
        unit.unitId(),
        title,
        unit.status(),
        unit.attempt(),
        unit.worker(),
        unit.failures(),
        landed,
        unit.updatedAt());
  }

  private String title(UnitKey key) {
    WorkUnit spec = store.spec(key);
    return spec == null ? null : spec.title();
  }

  private void onJobEvent(JobEvent event) {
    JobState before = store.job(event.jobId());
    JobState after = JobFold.apply(before, event);
    if (after != before) {
      store.putJob(after);
      announceOutcome(before, after, event.status());
      log.info("Job {} is {}", event.jobId(), after.status());
    }
    if (event.status() == JobStatus.CANCELLED
        && after.status() == JobStatus.CANCELLED
        && !replaying) {
      cancelUnfinishedUnits(event);
    }
  }

  private void cancelUnfinishedUnits(JobEvent event) {
    for (UnitId id : store.unitIds(event.jobId())) {
      UnitState unit = store.unit(new UnitKey(event.jobId(), id));
      if (unit != null && !unit.status().isTerminal()) {
        cancel(unit, event.at());
      }
    }
  }

  /** Ends the job's units that the landing of {@code landed} made unnecessary (see the class). */
  private void supersedeWorkDone(UnitState landed, Instant at) {
    WorkUnit spec = store.spec(landed.key());
    GateBaseline main = spec == null ? null : store.baseline(spec.repo().repoId());
    if (main == null) {
      return;
    }
    List<UnitState> open =
        store.units(landed.jobId()).stream()
            .filter(unit -> SUPERSEDABLE.contains(unit.status()))
            .toList();
    Map<UnitKey, WorkUnit> specs = store.specs(open.stream().map(UnitState::key).toList());
    for (UnitState unit : open) {
      WorkUnit work = specs.get(unit.key());
      if (work != null
          && !work.targetTests().isEmpty()
          && main.passing().containsAll(work.targetTests())) {
        supersede(unit, work, main, landed, at);
      }
    }
  }

  /** Emits the unit's {@code SUPERSEDED} event, then folds it at once. */
  private void supersede(
      UnitState unit, WorkUnit work, GateBaseline main, UnitState landed, Instant at) {
    UnitEvent superseded =
        new UnitEvent(
            unit.jobId(),
            unit.unitId(),
            unit.attempt(),
            UnitStatus.SUPERSEDED,
            null,
            null,
            main.commit()
                + "\nsuperseded: main at "
                + main.commit()
                + ", after the landing of "
                + landed.key()
                + ", passes its target tests: "
                + String.join(", ", work.targetTests()),
            at);
    log.info(
        "Superseding {} (attempt {}) after {} landed", unit.key(), unit.attempt(), landed.key());
    emitAndFold(unit, superseded, at);
  }

  /** Emits the unit's {@code CANCELLED} event, then folds it at once. */
  private UnitState cancel(UnitState unit, Instant at) {
    UnitEvent cancelled =
        new UnitEvent(
            unit.jobId(),
            unit.unitId(),
            unit.attempt(),
            UnitStatus.CANCELLED,
            null,
            Reason.CANCELLED,
            "the job was cancelled",
            at);
    log.info("Cancelling {} (attempt {})", unit.key(), unit.attempt());
    return emitAndFold(unit, cancelled, at);
  }

  /** Emits an event the projector itself decided on, then folds it at once. */
  private UnitState emitAndFold(UnitState unit, UnitEvent event, Instant at) {
    events.emit(event);
    UnitState after = UnitFold.apply(unit, event);
    return after == unit ? unit : record(unit, after, at);
  }

  /**
   * Emits the job's outcome when this fold ended it and no event said so already.
   *
   * @param cause the status of the job event being folded, or null for a unit's move
   */
  private void announceOutcome(JobState before, JobState after, JobStatus cause) {
    boolean ended =
        after.status().isTerminal() && (before == null || !before.status().isTerminal());
    if (ended && after.status() != cause) {
      events.emit(
          new JobEvent(
              after.jobId(), after.status(), after.unitCount(), after.detail(), after.updatedAt()));
      log.info("Job {} {}: {}", after.jobId(), after.status(), after.detail());
    }
  }
}
