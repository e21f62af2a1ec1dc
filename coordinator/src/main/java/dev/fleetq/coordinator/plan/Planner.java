package dev.fleetq.coordinator.plan;

import dev.fleetq.coordinator.LogContext;
import dev.fleetq.coordinator.kafka.Details;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.exec.git.Git;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.ExplicitUnitsPlan;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.WorkUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an accepted job into units and publishes their first attempts: emits {@code PLANNING}, then
 * either lists the submitter's units or measures the failing tests (one unit per failing test, the
 * passing ones offered to the gate as its first baseline), publishes every unit, and emits {@code
 * RUNNING} with the unit count and how many target tests the units name.
 *
 * <p>A job that cannot be planned ends {@code FAILED} with a detail that says why. A failing-tests
 * job in which no test fails ends {@code SUCCEEDED} at once with 0 units: there is nothing to fix,
 * and a job that stayed {@code RUNNING} with no units would never end.
 *
 * <p>Thread-safe; each call runs on a planner thread of its own (it waits for an executor to run
 * the tests, so it never runs on a consumer's thread) and works in {@code workDir/plans/{jobId}}.
 */
public final class Planner {
  private static final Logger log = LoggerFactory.getLogger(Planner.class);

  private final Path plansDir;
  private final SuiteRun suite;
  private final Baselines baselines;
  private final UnitPublisher publisher;
  private final EventLog events;
  private final Clock clock;

  /**
   * @param workDir the coordinator's own directory; planning works under {@code plans/} in it
   * @param git reads the branch's head, with the coordinator's timeout for git commands
   * @param suites runs the job's test command on the fleet's executors
   */
  public Planner(
      Path workDir,
      Git git,
      SuiteDispatcher suites,
      UnitPublisher publisher,
      EventLog events,
      RedissonClient redis,
      RedisKeys keys,
      Clock clock) {
    this.plansDir = workDir.toAbsolutePath().resolve("plans");
    this.suite = new SuiteRun(git, suites, clock);
    this.baselines = new Baselines(redis, keys);
    this.publisher = publisher;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Plans one job and publishes its units. Never throws: every outcome is a job event, unless Kafka
   * itself cannot be reached, which is logged.
   *
   * @param job an accepted job, with its id
   */
  public void plan(JobSpec job) {
    JobId id = Objects.requireNonNull(job.id(), "an accepted job has an id");
    LogContext.inJob(id, () -> planLogged(id, job));
  }

  private void planLogged(JobId id, JobSpec job) {
    try {
      emit(id, JobStatus.PLANNING, 0, null);
      Draft draft = draft(job);
      if (draft.units().isEmpty()) {
        emit(id, JobStatus.SUCCEEDED, 0, draft.note());
        log.info("Job {} needs no units: {}", id, draft.note());
        return;
      }
      for (WorkUnit unit : draft.units()) {
        publisher.publish(unit);
      }
      int targets = draft.units().stream().mapToInt(unit -> unit.targetTests().size()).sum();
      events.emit(
          new JobEvent(
              id,
              JobStatus.RUNNING,
              draft.units().size(),
              targets,
              Details.clip(draft.note()),
              clock.instant()));
      log.info("Planned job {} into {} units", id, draft.units().size());
    } catch (PlanningException e) {
      log.info("Job {} cannot be planned: {}", id, e.getMessage());
      failQuietly(id, e.getMessage());
    } catch (CancellationException e) {
      log.warn("Planning of job {} was interrupted by shutdown", id);
      failQuietly(
          id, "planning was interrupted because the coordinator shut down; submit the job again");
    } catch (RuntimeException e) {
      log.error("Planning of job {} failed", id, e);
      failQuietly(id, "planning failed: " + e.getMessage() + "; submit the job again");
    }
  }

  /** The units of a job, or why it has none. */
  private record Draft(List<WorkUnit> units, String note) {}

  private Draft draft(JobSpec job) {
    if (job.plan() instanceof ExplicitUnitsPlan explicit) {
      return new Draft(UnitDrafts.explicit(job, explicit, clock.instant()), null);
    }
    FailingTestsPlan plan = (FailingTestsPlan) job.plan();
    Path scratch = plansDir.resolve(job.id().value());
    try {
      deleteRecursively(scratch);
      Files.createDirectories(scratch);
      SuiteRun.Measurement measured = suite.measure(job, plan, scratch);
      TestReport report = measured.report();
      baselines.offer(
          new GateBaseline(
              job.repo().repoId(), measured.commit(), report.passing(), measured.measuredAt()));
      String note =
          report.failing().size()
              + " failing and "
              + report.passing().size()
              + " passing tests on "
              + job.repo().branch()
              + " at "
              + measured.commit();
      return new Draft(UnitDrafts.forFailingTests(job, plan, report, clock.instant()), note);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + scratch, e);
    } finally {
      deleteQuietly(scratch);
    }
  }

  private void emit(JobId id, JobStatus status, int units, String detail) {
    events.emit(new JobEvent(id, status, units, Details.clip(detail), clock.instant()));
  }

  private void failQuietly(JobId id, String detail) {
    try {
      emit(id, JobStatus.FAILED, 0, detail);
    } catch (RuntimeException e) {
      log.error("Cannot record that job {} failed ({}): {}", id, detail, e.toString());
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteRecursively(dir);
    } catch (IOException | UncheckedIOException e) {
      log.warn("Cannot remove the planning directory {}: {}", dir, e.toString());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
