package dev.fleetq.coordinator.state;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import java.util.List;
import java.util.Optional;
import org.redisson.api.RedissonClient;

/**
 * The read side of the projection, for the HTTP API, {@code fleetq status} and the lease reaper:
 * jobs and units as the projector last saw them in the events topic. It lags the topic by the
 * projector's delay, typically milliseconds.
 *
 * <p>Each call makes one to three Redis round trips, bounded by the Redis client's command timeout,
 * and blocks its caller: call it from a worker thread, never from an event loop. Thread-safe.
 */
public final class JobStates {
  /** The most jobs one call of {@link #jobs} returns. */
  public static final int MAX_LIMIT = 10_000;

  private final StateStore store;

  public JobStates(RedissonClient redis, RedisKeys keys) {
    this.store = new StateStore(redis, keys);
  }

  /** The job's state, or empty when no event of it has been projected. */
  public Optional<JobState> job(JobId job) {
    return Optional.ofNullable(store.job(job));
  }

  /**
   * The most recently submitted jobs, newest first.
   *
   * @param limit how many at most, from 1 to {@value #MAX_LIMIT}
   */
  public List<JobState> jobs(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    return store.jobs(limit);
  }

  /** The job's units in the order of their ids; empty for an unknown job. */
  public List<UnitState> units(JobId job) {
    return store.units(job);
  }

  /** The unit's state, or empty when no event of it has been projected. */
  public Optional<UnitState> unit(UnitKey unit) {
    return Optional.ofNullable(store.unit(unit));
  }
}
