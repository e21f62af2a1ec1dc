package dev.fleetq.worker.run;

import dev.fleetq.model.id.UnitKey;
import java.util.Objects;

/**
 * The handle through which others stop a unit attempt that runs in a slot: the heartbeat when the
 * unit is cancelled, the worker when it shuts down. Stopping records why and interrupts the slot's
 * thread, which kills the agent's process tree or aborts the git command in progress. Once the
 * attempt has begun to end (report, remove the worktree, release the lease), stopping no longer
 * interrupts it, and once it has finished no interrupt can reach the thread, which the executor
 * reuses.
 *
 * <p>Thread-safe: every method synchronizes on the handle.
 */
public final class RunningUnit {
  /** Why an attempt was stopped from outside. */
  public enum StopCause {
    /** The unit's projected state became CANCELLED: end silently, the projector already knows. */
    CANCELLED,
    /**
     * The unit's projected state became SUPERSEDED (another unit's landing did its work): end
     * silently, the projector already knows.
     */
    SUPERSEDED,
    /** The worker is shutting down: hand the unit back with {@code WORKER_SHUTDOWN}. */
    SHUTDOWN
  }

  private final UnitKey key;
  private Thread thread;
  private StopCause cause;
  private boolean ending;
  private boolean finished;

  RunningUnit(UnitKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /** The unit. */
  public UnitKey key() {
    return key;
  }

  /** Stops the attempt for {@code why}, unless it is ending or was already stopped. */
  public synchronized void stop(StopCause why) {
    if (finished || cause != null) {
      return;
    }
    cause = Objects.requireNonNull(why, "why");
    if (thread != null && !ending) {
      thread.interrupt();
    }
  }

  /** Binds the handle to the slot thread that runs the attempt; a stop that came first applies. */
  synchronized void bind() {
    thread = Thread.currentThread();
    if (cause != null) {
      thread.interrupt();
    }
  }

  /**
   * The attempt begins to end: no further interrupts, the thread's interrupt status is cleared so
   * that the clean-up runs, and the cause of a stop, if any, is returned.
   */
  synchronized StopCause beginEnding() {
    ending = true;
    Thread.interrupted();
    return cause;
  }

  /** The attempt is over; the slot thread goes back to the executor without an interrupt. */
  synchronized void finish() {
    finished = true;
    thread = null;
    Thread.interrupted();
  }
}
