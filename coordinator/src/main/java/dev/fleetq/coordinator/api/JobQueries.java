package dev.fleetq.coordinator.api;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.UnitState;
import java.util.List;
import java.util.Optional;

/**
 * The read side the HTTP API shows: the projector's state of jobs and units, as kept in Redis
 * ({@code job:{jobId}}, {@code jobs}, {@code job-units:{jobId}}, {@code unit:{unitKey}}).
 *
 * <p>Implementations block and must bound every call (the Redis client's command timeout); the API
 * calls them on its worker pool, never on an event loop. A failure to answer is thrown as an
 * unchecked exception and shown as {@code 503}. Implementations must be thread-safe.
 */
public interface JobQueries {
  /** The job's projected state, or empty when the coordinator has not recorded it. */
  Optional<JobState> job(JobId job);

  /** Up to {@code limit} jobs, newest submission first. */
  List<JobState> jobs(int limit);

  /** The job's units in unit-id order; empty when the job has none yet or is unknown. */
  List<UnitState> units(JobId job);
}
