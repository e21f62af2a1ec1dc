package dev.fleetq.coordinator.reap;

import dev.fleetq.coordinator.LogContext;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.TransientFailure;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.coordinator.state.JobStates;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds units whose worker has gone away and hands them back: a unit that the projection shows
 * {@code CLAIMED} or {@code RUNNING} in a job that has not ended, whose lease {@code
 * lock:unit:{unitKey}} is not held, and that stays so (same status, same attempt, lease still free)
 * for the grace period, gets {@code RETRYING} with reason {@code LEASE_LOST} for its current
 * attempt. The projector then retries it like any other failed attempt.
 *
 * <p>The grace period covers the moments when a healthy worker's lease is free but the projection
 * has not caught up, such as just after it pushed and released. Units in {@code PUSHED} and {@code
 * GATING} hold no lease by design and are the gate's to end.
 *
 * <p>A worker's heartbeat ({@code worker:{workerId}}, which expires a few missed beats after its
 * last) is the faster evidence: a {@code CLAIMED} or {@code RUNNING} unit whose worker has none is
 * handed back in the round that sees it, without waiting for the dead worker's lease to expire; the
 * reaper deletes that lease, so that the next attempt can be claimed at once. A worker that was
 * only slow (its Redis connection down longer than its heartbeat lives) keeps running its agent,
 * but the gate refuses its push as a stale attempt: fencing by attempt, not the lease, keeps it
 * safe.
 *
 * <p>A unit still {@code PUBLISHED} that a worker took and nobody claimed is sent again by {@link
 * DroppedDeliveries}, with the same grace.
 *
 * <p>One instance in the installation is active: each round it takes or keeps the leadership lease
 * {@code leader:reaper} ({@link LeaderLease}), and scans only while it holds it. The scan reads the
 * newest {@value #MAX_JOBS_SCANNED} jobs. Each round also reports the unfinished units of running
 * jobs by status, {@code fleetq_units_pending}, which only the leader reports.
 *
 * <p>Thread model: rounds run on the reaper's own single thread, which also owns the lease.
 */
public final class LeaseReaper implements AutoCloseable {
  /** The role in {@code leader:{role}}. */
  public static final String ROLE = "reaper";

  /** How many of the newest jobs one round looks at. */
  public static final int MAX_JOBS_SCANNED = 10_000;

  private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

  private final JobStates states;
  private final RedissonClient redis;
  private final RedisKeys keys;
  private final EventLog events;
  private final DroppedDeliveries dropped;
  private final Duration interval;
  private final Duration grace;
  private final Duration closeTimeout;
  private final CoordinatorMetrics metrics;
  private final Clock clock;
  private final LeaderLease lease;
  private final ScheduledExecutorService thread;

  /** Units seen with a free lease, and since when; touched only by the reaper's thread. */
  private Map<UnitKey, Suspect> suspects = new HashMap<>();

  private volatile boolean active;

  /**
   * @param interval how often a round runs
   * @param grace how long a unit's lease must stay free before the unit is retried
   * @param closeTimeout the bound on finishing the round in hand and giving the lease up
   */
  public LeaseReaper(
      JobStates states,
      RedissonClient redis,
      RedisKeys keys,
      EventLog events,
      UnitPublisher publisher,
      Duration interval,
      Duration grace,
      Duration closeTimeout,
      CoordinatorMetrics metrics,
      Clock clock) {
    this.states = states;
    this.redis = redis;
    this.keys = keys;
    this.events = events;
    this.dropped = new DroppedDeliveries(redis, keys, publisher, grace);
    this.interval = interval;
    this.grace = grace;
    this.closeTimeout = closeTimeout;
    this.metrics = metrics;
    this.clock = clock;
    this.lease = new LeaderLease(redis.getLock(keys.leader(ROLE)));
    this.thread =
        Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "fleetq-reaper"));
  }

  /** Starts a round every interval. */
  public void start() {
    thread.scheduleWithFixedDelay(this::roundSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether this instance held the leadership lease in its last round. */
  public boolean isActive() {
    return active;
  }

  /** Stops after the round in hand and gives the leadership lease up, both bounded. */
  @Override
  public void close() {
    try {
      thread.submit(lease::release).get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Could not give up the reaper's lease; it expires by itself: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException e) {
      // Already closed.
    }
    active = false;
    thread.shutdownNow();
  }

  /**
   * Runs one round on the reaper's thread and waits for it; for tests, which drive the clock.
   *
   * @return the units it handed back
   */
  List<UnitKey> runRound() throws Exception {
    return thread.submit(this::round).get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void roundSafely() {
    try {
      round();
    } catch (RedisException | TransientFailure e) {
      log.warn("Reaper round failed; trying again in {}: {}", interval, e.toString());
    } catch (RuntimeException e) {
      log.error("Reaper round failed; trying again in {}", interval, e);
    }
  }

  private List<UnitKey> round() {
    active = lease.hold();
    if (!active) {
      suspects = new HashMap<>();
      dropped.forget();
      metrics.notCountingPending();
      return List.of();
    }
    Instant now = clock.instant();
    Map<UnitKey, Suspect> stillSuspect = new HashMap<>();
    List<UnitKey> reaped = new ArrayList<>();
    List<UnitState> published = new ArrayList<>();
    Map<UnitStatus, Integer> pending = new EnumMap<>(UnitStatus.class);
    for (JobState job : states.jobs(MAX_JOBS_SCANNED)) {
      if (job.status().isTerminal()) {
        continue;
      }
      job.counts().forEach((status, count) -> pending.merge(status, count, Integer::sum));
      for (UnitState unit : states.units(job.jobId())) {
        if (unit.status() == UnitStatus.CLAIMED || unit.status() == UnitStatus.RUNNING) {
          inspectLeased(unit, now, reaped).ifPresent(s -> stillSuspect.put(unit.key(), s));
        } else if (unit.status() == UnitStatus.PUBLISHED) {
          published.add(unit);
        }
      }
    }
    suspects = stillSuspect;
    reaped.addAll(dropped.round(published, now));
    metrics.pending(pending);
    return reaped;
  }

  /** A claimed or running unit: handed back when its worker is gone or its lease stays free. */
  private Optional<Suspect> inspectLeased(UnitState unit, Instant now, List<UnitKey> reaped) {
    RLock lock = redis.getLock(keys.unitLock(unit.key()));
    if (workerGone(unit)) {
      lock.forceUnlock();
      handBack(unit, "worker " + unit.worker() + " stopped sending heartbeats");
      reaped.add(unit.key());
      return Optional.empty();
    }
    if (lock.isLocked()) {
      return Optional.empty();
    }
    Suspect suspect = Suspect.continuing(suspects.get(unit.key()), unit, now);
    if (!suspect.outlived(grace, now)) {
      return Optional.of(suspect);
    }
    String worker = unit.worker() == null ? "its worker" : "worker " + unit.worker();
    handBack(unit, "lease of " + worker + " expired");
    reaped.add(unit.key());
    return Optional.empty();
  }

  /** Whether the unit names its worker and that worker's heartbeat has expired. */
  private boolean workerGone(UnitState unit) {
    return unit.worker() != null && !redis.getBucket(keys.worker(unit.worker())).isExists();
  }

  private void handBack(UnitState unit, String why) {
    LogContext.inUnit(unit.key(), () -> emitRetrying(unit, why));
  }

  private void emitRetrying(UnitState unit, String why) {
    events.emit(
        new UnitEvent(
            unit.jobId(),
            unit.unitId(),
            unit.attempt(),
            UnitStatus.RETRYING,
            unit.worker(),
            Reason.LEASE_LOST,
            why + " while the unit was " + unit.status(),
            clock.instant()));
    metrics.leaseExpired();
    log.info("Handed back {} (attempt {}): {}", unit.key(), unit.attempt(), why);
  }
}
