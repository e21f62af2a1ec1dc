package dev.fleetq.worker;

import dev.fleetq.worker.claim.ClaimException;
import dev.fleetq.worker.claim.ClaimOutcome;
import dev.fleetq.worker.claim.ClaimOutcome.Claimed;
import dev.fleetq.worker.claim.ClaimOutcome.Skipped;
import dev.fleetq.worker.claim.UnitClaims;
import dev.fleetq.worker.metrics.WorkerMetrics;
import dev.fleetq.worker.run.Attempts;
import dev.fleetq.worker.run.BreakOffs;
import dev.fleetq.worker.run.Slots;
import dev.fleetq.worker.unit.Delivery;
import dev.fleetq.worker.unit.UnitSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Take: waits for a free slot, polls the share group for one unit, claims it, acknowledges the
 * record at once, and starts the attempt in the slot. It polls only when a slot is free, so no unit
 * waits in this worker behind a busy slot. A record is accepted once the unit is claimed or skipped
 * for good (a duplicate delivery is dropped), and released when the skip is a hand-over from the
 * previous attempt's worker, when the worker is stopping, or when Redis failed before the unit was
 * claimed. A failed turn is logged and retried after a pause. After attempts that broke off for the
 * worker's own reasons it takes nothing until {@link BreakOffs} says so.
 *
 * <p>Runs on one thread of its own, which alone uses the share consumer; {@link #stop()} and the
 * accessors may be called from any thread.
 */
final class TakeLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(TakeLoop.class);

  private final UnitSource source;
  private final UnitClaims claims;
  private final Slots slots;
  private final Attempts attempts;
  private final WorkerMetrics metrics;
  private final BreakOffs breakOffs;
  private final Duration pollTimeout;
  private final Clock clock;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile Instant lastGoodTurn;

  TakeLoop(
      UnitSource source,
      UnitClaims claims,
      Slots slots,
      Attempts attempts,
      WorkerMetrics metrics,
      BreakOffs breakOffs,
      Duration pollTimeout,
      Clock clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.slots = Objects.requireNonNull(slots, "slots");
    this.attempts = Objects.requireNonNull(attempts, "attempts");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.breakOffs = Objects.requireNonNull(breakOffs, "breakOffs");
    this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastGoodTurn = clock.instant();
  }

  @Override
  public void run() {
    try {
      while (!stopping) {
        try {
          turn();
          lastGoodTurn = clock.instant();
        } catch (WakeupException e) {
          // stop() woke the poll; the loop condition ends it.
        } catch (RuntimeException e) {
          log.warn("Taking a unit failed; trying again in {}", pollTimeout, e);
          pause(pollTimeout);
        }
      }
    } finally {
      source.close();
      log.info("Stopped taking units");
    }
  }

  /** Stops taking units; a poll in progress returns at once. Does not wait. */
  void stop() {
    stopping = true;
    stopSignal.countDown();
    source.wakeup();
  }

  /** When the loop last completed a turn without failing. */
  Instant lastGoodTurn() {
    return lastGoodTurn;
  }

  private void turn() {
    if (!slots.tryReserve(pollTimeout)) {
      return;
    }
    boolean started = false;
    try {
      // Asked once the slot is reserved: the attempt that freed it may have just broken off.
      Duration pause = breakOffs.pauseLeft();
      if (!pause.isZero()) {
        pause(pause.compareTo(pollTimeout) < 0 ? pause : pollTimeout);
        return;
      }
      Optional<Delivery> delivery = source.poll(pollTimeout);
      if (delivery.isPresent()) {
        started = dispatch(delivery.get());
      }
    } finally {
      if (!started) {
        slots.unreserve();
      }
    }
  }

  /** Claims the delivered unit and starts it; returns whether an attempt now uses the slot. */
  private boolean dispatch(Delivery delivery) {
    if (stopping) {
      source.release(delivery);
      return false;
    }
    ClaimOutcome outcome;
    try {
      outcome = claims.claim(delivery.unit());
    } catch (ClaimException e) {
      source.release(delivery);
      throw e;
    }
    if (outcome instanceof Skipped skip) {
      metrics.skipped(skip.reason());
      log.info("Skipped {}: {} ({})", delivery, skip.reason(), skip.detail());
      if (skip.reason().deliverAgain()) {
        source.release(delivery);
      } else {
        acceptQuietly(delivery);
      }
      return false;
    }
    acceptQuietly(delivery);
    Claimed claimed = (Claimed) outcome;
    log.info("Claimed {}", delivery);
    metrics.claimed(Duration.between(delivery.unit().publishedAt(), clock.instant()));
    if (attempts.start(delivery.unit(), claimed.lease(), claimed.main())) {
      return true;
    }
    log.error("No slot thread took {}; releasing its lease", delivery);
    try {
      claimed.lease().release();
    } catch (ClaimException e) {
      log.warn("Could not release {}", claimed.lease(), e);
    }
    return false;
  }

  /**
   * Accepts the record. A failure here, even a wakeup, is logged, not fatal: the Redis lease or the
   * skip decides, a claimed unit must still be worked on or handed back by its attempt, and a
   * delivery that comes again is skipped by its claim check.
   */
  private void acceptQuietly(Delivery delivery) {
    try {
      source.accept(delivery);
    } catch (RuntimeException e) {
      log.warn("Could not accept {}", delivery, e);
    }
  }

  private void pause(Duration pause) {
    try {
      stopSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
