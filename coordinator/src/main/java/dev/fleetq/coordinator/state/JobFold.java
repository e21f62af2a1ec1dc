package dev.fleetq.coordinator.state;

import dev.fleetq.coordinator.kafka.Details;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The pure fold of a job's events, and of its units' moves, into its projected state, with no I/O.
 *
 * <p>A job moves only forward ({@code ACCEPTED → PLANNING → RUNNING →} an end) and never leaves an
 * end, so a replayed or late event changes nothing. Counts per unit status change by one for each
 * unit move, and a unit that lands adds its target tests to the fixed ones (the gate lands a unit
 * only when all of them pass, and refuses any later candidate that breaks one). A running job whose
 * units have all landed, and so fixed every target test, {@code SUCCEEDED}; one whose units have
 * all ended with at least one {@code FAILED} has {@code FAILED}; one whose units all ended with
 * some cancelled and none failed is {@code CANCELLED}. An ended job's detail says how many of its
 * target tests were fixed.
 *
 * <p>Stateless and thread-safe.
 */
final class JobFold {
  private JobFold() {}

  /**
   * The state after a job event.
   *
   * @param current the state so far, or null before the job's first event
   * @return {@code current} itself when the event changes nothing
   */
  static JobState apply(JobState current, JobEvent event) {
    if (current == null) {
      return settle(
          new JobState(
              event.jobId(),
              event.status(),
              event.unitCount(),
              Map.of(),
              event.targetTests(),
              0,
              event.detail(),
              event.at(),
              event.at()));
    }
    if (current.status().isTerminal() || rank(event.status()) <= rank(current.status())) {
      return current;
    }
    return settle(
        new JobState(
            current.jobId(),
            event.status(),
            Math.max(current.unitCount(), event.unitCount()),
            current.counts(),
            Math.max(current.targetTests(), event.targetTests()),
            current.fixedTests(),
            event.detail() != null ? event.detail() : current.detail(),
            current.submittedAt(),
            event.at()));
  }

  /**
   * The state after one of the job's units moved.
   *
   * @param from the unit's status before, or null for a unit seen for the first time
   * @param targets how many target tests the unit names; they count as fixed when it lands
   * @return {@code current} itself when the move changes nothing
   */
  static JobState unitMoved(
      JobState current, UnitStatus from, UnitStatus to, int targets, Instant at) {
    if (from == to) {
      return current;
    }
    Map<UnitStatus, Integer> counts = new EnumMap<>(UnitStatus.class);
    counts.putAll(current.counts());
    if (from != null) {
      counts.computeIfPresent(from, (status, count) -> count > 1 ? count - 1 : null);
    }
    counts.merge(to, 1, Integer::sum);
    return settle(
        new JobState(
            current.jobId(),
            current.status(),
            current.unitCount(),
            counts,
            current.targetTests(),
            current.fixedTests() + (to.isOnMain() ? targets : 0),
            current.detail(),
            current.submittedAt(),
            at));
  }

  /** The state of a job whose units show up before any of its own events. */
  static JobState unseen(JobId job, Instant at) {
    return new JobState(job, JobStatus.ACCEPTED, 0, Map.of(), 0, 0, null, at, at);
  }

  /**
   * The ended job with the target tests that are still failing named in its detail.
   *
   * @param unfixed the target tests of the units that did not land
   */
  static JobState naming(JobState job, List<String> unfixed) {
    if (unfixed.isEmpty()) {
      return job;
    }
    return withDetail(
        job,
        job.status(),
        Details.clip(job.detail() + "; still failing: " + String.join(", ", unfixed)));
  }

  private static JobState settle(JobState job) {
    if (job.status() != JobStatus.RUNNING || job.unitCount() == 0) {
      return job;
    }
    int units = job.unitCount();
    int landed = job.count(UnitStatus.LANDED);
    int superseded = job.count(UnitStatus.SUPERSEDED);
    int failed = job.count(UnitStatus.FAILED);
    int cancelled = job.count(UnitStatus.CANCELLED);
    if (landed + superseded + failed + cancelled < units) {
      return job;
    }
    String fixed = fixed(job);
    boolean onMain = landed + superseded == units;
    if (onMain && job.fixedTests() >= job.targetTests()) {
      String done =
          superseded == 0
              ? "all " + units + " units landed"
              : landed
                  + " landed and "
                  + superseded
                  + " superseded (main already did their work) of "
                  + units
                  + " units";
      return withDetail(job, JobStatus.SUCCEEDED, done + fixed);
    }
    String tally =
        landed
            + " landed, "
            + (superseded == 0 ? "" : superseded + " superseded, ")
            + failed
            + " failed, "
            + cancelled
            + " cancelled";
    if (onMain) {
      return withDetail(
          job,
          JobStatus.FAILED,
          "every unit landed or was superseded, but not every target test passes" + fixed);
    }
    if (failed > 0) {
      return withDetail(
          job, JobStatus.FAILED, failed + " of " + units + " units failed (" + tally + ")" + fixed);
    }
    return withDetail(
        job, JobStatus.CANCELLED, "every unit ended, some cancelled (" + tally + ")" + fixed);
  }

  /** {@code "; fixed N of M failing tests"}, or nothing for a job whose units name no tests. */
  private static String fixed(JobState job) {
    return job.targetTests() == 0
        ? ""
        : "; fixed " + job.fixedTests() + " of " + job.targetTests() + " failing tests";
  }

  private static JobState withDetail(JobState job, JobStatus status, String detail) {
    return new JobState(
        job.jobId(),
        status,
        job.unitCount(),
        job.counts(),
        job.targetTests(),
        job.fixedTests(),
        detail,
        job.submittedAt(),
        job.updatedAt());
  }

  private static int rank(JobStatus status) {
    return switch (status) {
      case ACCEPTED -> 0;
      case PLANNING -> 1;
      case RUNNING -> 2;
      case SUCCEEDED, FAILED, CANCELLED -> 3;
    };
  }
}
