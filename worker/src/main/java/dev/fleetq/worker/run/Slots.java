package dev.fleetq.worker.run;

import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.worker.run.RunningUnit.StopCause;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's slots: a fixed number of named threads that run unit attempts, a permit per slot that
 * the take loop reserves before it polls (so it never takes a unit it has no thread for), and the
 * handles of the attempts that are running.
 *
 * <p>Thread-safe: the take loop reserves and starts, the heartbeat and the worker look at and stop
 * the running attempts, and each slot thread returns its permit.
 */
public final class Slots {
  private static final Logger log = LoggerFactory.getLogger(Slots.class);

  private final Semaphore free;
  private final ExecutorService threads;
  private final Map<UnitKey, RunningUnit> running = new ConcurrentHashMap<>();
  private volatile boolean closing;

  /**
   * @param worker names the threads, {@code fleetq-<worker>-slot-<n>}
   * @param count how many slots; 0 for an executor only, which never reserves one
   */
  public Slots(WorkerId worker, int count) {
    this.free = new Semaphore(count);
    AtomicInteger next = new AtomicInteger(1);
    int threadCount = Math.max(1, count);
    this.threads =
        new ThreadPoolExecutor(
            threadCount,
            threadCount,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(threadCount),
            task -> {
              Thread thread =
                  new Thread(task, "fleetq-" + worker + "-slot-" + next.getAndIncrement());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Waits up to {@code wait} for a free slot and reserves it; false if none freed up. */
  public boolean tryReserve(Duration wait) {
    try {
      return free.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives back a reserved slot that no attempt will use. */
  public void unreserve() {
    free.release();
  }

  /**
   * Runs the attempt that {@code attempt} makes from its handle in the reserved slot, which it
   * gives back when it ends. Once the worker is closing, the attempt starts already stopped, so it
   * hands its unit back at once.
   *
   * @return false if no thread would take it (the slots are shut down); the slot then stays
   *     reserved, for the caller to give back
   */
  public boolean start(UnitKey key, Function<RunningUnit, Runnable> attempt) {
    RunningUnit handle = new RunningUnit(key);
    Runnable task = attempt.apply(handle);
    running.put(key, handle);
    if (closing) {
      handle.stop(StopCause.SHUTDOWN);
    }
    try {
      threads.execute(
          () -> {
            try {
              task.run();
            } finally {
              running.remove(key, handle);
              free.release();
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      running.remove(key, handle);
      return false;
    }
  }

  /** The attempts running now. */
  public List<RunningUnit> running() {
    return List.copyOf(running.values());
  }

  /** How many attempts are running now. */
  public int busy() {
    return running.size();
  }

  /**
   * Stops every running attempt, so that it hands its unit back, and every attempt started from now
   * on as soon as it starts. Does not wait.
   */
  public void stopAll() {
    closing = true;
    running.values().forEach(handle -> handle.stop(StopCause.SHUTDOWN));
  }

  /**
   * Stops every attempt ({@link #stopAll()}), takes no new ones, and waits up to {@code grace} for
   * the slot threads to finish; returns whether they all did.
   */
  public boolean shutdown(Duration grace) {
    stopAll();
    threads.shutdown();
    try {
      if (threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      log.warn("Slots still busy after {}: {}", grace, running.keySet());
      threads.shutdownNow();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.shutdownNow();
      return false;
    }
  }
}
