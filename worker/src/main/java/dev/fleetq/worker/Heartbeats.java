package dev.fleetq.worker;

import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.WorkerHeartbeat;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import dev.fleetq.worker.claim.UnitClaims;
import dev.fleetq.worker.run.RunningUnit;
import dev.fleetq.worker.run.RunningUnit.StopCause;
import dev.fleetq.worker.run.Slots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every interval: writes this worker's {@link WorkerHeartbeat} to {@code worker:{id}} with a time
 * to live, then checks the projected state of the units it runs and stops any that was cancelled or
 * superseded (the slot's thread is interrupted, which kills the agent's process tree; the attempt
 * removes its worktree and releases its lease without an event, since the projector already marked
 * the unit). A failed beat is logged and the next one tries again.
 *
 * <p>Runs on the worker's single heartbeat thread; {@link #lastBeat()} may be read from any thread.
 */
final class Heartbeats implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  private final WorkerId worker;
  private final int slotCount;
  private final String version;
  private final Slots slots;
  private final UnitClaims claims;
  private final RBucket<String> key;
  private final Duration ttl;
  private final Duration timeout;
  private final Clock clock;
  private volatile Instant lastBeat = Instant.EPOCH;

  Heartbeats(
      WorkerConfig config,
      String version,
      Slots slots,
      UnitClaims claims,
      RedissonClient redisson,
      Clock clock) {
    this.worker = config.workerId();
    this.slotCount = config.slots();
    this.version = Objects.requireNonNull(version, "version");
    this.slots = Objects.requireNonNull(slots, "slots");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.key = redisson.getBucket(config.keys().worker(worker), StringCodec.INSTANCE);
    this.ttl = config.heartbeatTtl();
    this.timeout = config.redisTimeout();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void run() {
    List<RunningUnit> running = slots.running();
    try {
      beat(running);
    } catch (RuntimeException e) {
      log.warn("Could not write the heartbeat: {}", e.getMessage());
    }
    try {
      stopEnded(running);
    } catch (RuntimeException e) {
      log.warn("Could not check running units for cancellation: {}", e.getMessage());
    }
  }

  /** When a heartbeat was last written, or the epoch if none was. */
  Instant lastBeat() {
    return lastBeat;
  }

  /** Deletes the heartbeat, so that the worker shows as gone at once; bounded, never throws. */
  void remove() {
    try {
      key.deleteAsync().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Could not delete the heartbeat; it expires within {}", ttl, e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void beat(List<RunningUnit> running) {
    Instant now = clock.instant();
    List<UnitKey> units = running.stream().map(RunningUnit::key).toList();
    String json = Json.encodeToString(new WorkerHeartbeat(worker, slotCount, units, version, now));
    try {
      key.setAsync(json, ttl).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the heartbeat", e);
    } catch (Exception e) {
      throw new IllegalStateException("writing the heartbeat failed: " + e, e);
    }
    lastBeat = now;
  }

  private void stopEnded(List<RunningUnit> running) {
    if (running.isEmpty()) {
      return;
    }
    Map<UnitKey, UnitStatus> ended =
        claims.endedAmong(running.stream().map(RunningUnit::key).toList());
    for (RunningUnit unit : running) {
      UnitStatus end = ended.get(unit.key());
      if (end != null) {
        log.info("{} is {}; stopping its agent", unit.key(), end);
        unit.stop(end == UnitStatus.SUPERSEDED ? StopCause.SUPERSEDED : StopCause.CANCELLED);
      }
    }
  }
}
