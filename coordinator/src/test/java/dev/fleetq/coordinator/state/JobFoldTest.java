package dev.fleetq.coordinator.state;

import static dev.fleetq.model.ModelFixtures.JOB;
import static dev.fleetq.model.ModelFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobFoldTest {

  @Test
  void jobMovesForwardAndIgnoresLateOrRepeatedEvents() {
    JobState accepted = JobFold.apply(null, event(JobStatus.ACCEPTED, 0, 0));
    JobState running =
        JobFold.apply(
            JobFold.apply(accepted, event(JobStatus.PLANNING, 0, 1)),
            event(JobStatus.RUNNING, 2, 2));

    assertThat(accepted.submittedAt()).as("submitted at").isEqualTo(T0);
    assertThat(running.status()).as("status").isEqualTo(JobStatus.RUNNING);
    assertThat(running.unitCount()).as("unit count").isEqualTo(2);
    assertThat(JobFold.apply(running, event(JobStatus.PLANNING, 0, 3)))
        .as("after a late PLANNING")
        .isSameAs(running);
    assertThat(JobFold.apply(running, event(JobStatus.RUNNING, 2, 3)))
        .as("after a repeated RUNNING")
        .isSameAs(running);
  }

  @Test
  void endedJobNeverMovesAgain() {
    JobState failed =
        JobFold.apply(
            JobFold.apply(null, event(JobStatus.ACCEPTED, 0, 0)), event(JobStatus.FAILED, 0, 1));

    assertThat(JobFold.apply(failed, event(JobStatus.RUNNING, 3, 2)))
        .as("failed job after RUNNING")
        .isSameAs(failed);
    assertThat(JobFold.apply(failed, event(JobStatus.CANCELLED, 0, 2)))
        .as("failed job after CANCELLED")
        .isSameAs(failed);
  }

  @Test
  void countsFollowUnitMovesAndJobSucceedsWhenEveryUnitLanded() {
    JobState job = running(2);
    job = JobFold.unitMoved(job, null, UnitStatus.PUBLISHED, 0, T0);
    job = JobFold.unitMoved(job, null, UnitStatus.PUBLISHED, 0, T0);
    job = JobFold.unitMoved(job, UnitStatus.PUBLISHED, UnitStatus.LANDED, 0, T0);

    assertThat(job.counts())
        .as("counts")
        .containsOnly(entry(UnitStatus.PUBLISHED, 1), entry(UnitStatus.LANDED, 1));
    assertThat(job.status()).as("status with one unit left").isEqualTo(JobStatus.RUNNING);

    JobState done =
        JobFold.unitMoved(job, UnitStatus.PUBLISHED, UnitStatus.LANDED, 0, T0.plusSeconds(9));

    assertThat(done.status()).as("status when every unit landed").isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.counts()).as("counts").containsOnly(entry(UnitStatus.LANDED, 2));
    assertThat(done.detail()).as("detail").isEqualTo("all 2 units landed");
  }

  @Test
  void jobFailsOnceEveryUnitEndedAndOneFailed() {
    JobState job = running(2);
    job = JobFold.unitMoved(job, null, UnitStatus.RETRYING, 0, T0);
    job = JobFold.unitMoved(job, null, UnitStatus.LANDED, 0, T0);
    job = JobFold.unitMoved(job, UnitStatus.RETRYING, UnitStatus.FAILED, 0, T0);

    assertThat(job.status()).as("status").isEqualTo(JobStatus.FAILED);
    assertThat(job.detail())
        .as("detail")
        .isEqualTo("1 of 2 units failed (1 landed, 1 failed, 0 cancelled)");
  }

  @Test
  void jobSucceedsOnlyWhenItsLandedUnitsFixedEveryTargetTest() {
    JobState job = running(2, 3);
    job = JobFold.unitMoved(job, null, UnitStatus.LANDED, 2, T0);

    assertThat(job.fixedTests()).as("fixed tests after the first landing").isEqualTo(2);

    JobState done = JobFold.unitMoved(job, null, UnitStatus.LANDED, 1, T0);

    assertThat(done.status()).as("status").isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.detail())
        .as("detail")
        .isEqualTo("all 2 units landed; fixed 3 of 3 failing tests");
  }

  @Test
  void aSupersededUnitCountsAsDoneAndItsTargetsAsFixed() {
    JobState job = running(2, 2);
    job = JobFold.unitMoved(job, null, UnitStatus.LANDED, 1, T0);
    JobState done = JobFold.unitMoved(job, null, UnitStatus.SUPERSEDED, 1, T0);

    assertThat(done.status()).as("status").isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.detail())
        .as("detail")
        .isEqualTo(
            "1 landed and 1 superseded (main already did their work) of 2 units; fixed 2 of 2"
                + " failing tests");
  }

  @Test
  void jobWhoseLandingsLeaveATargetTestUnfixedFails() {
    JobState job = running(2, 3);
    job = JobFold.unitMoved(job, null, UnitStatus.LANDED, 2, T0);
    job = JobFold.unitMoved(job, null, UnitStatus.LANDED, 0, T0);

    assertThat(job.status()).as("status").isEqualTo(JobStatus.FAILED);
    assertThat(job.detail())
        .as("detail")
        .isEqualTo(
            "every unit landed or was superseded, but not every target test passes; fixed 2 of 3 failing tests");
  }

  @Test
  void failedJobSaysHowManyTestsWereFixedAndNamesTheRest() {
    JobState job = running(2, 3);
    job = JobFold.unitMoved(job, null, UnitStatus.LANDED, 2, T0);
    job = JobFold.unitMoved(job, null, UnitStatus.FAILED, 1, T0);

    assertThat(job.status()).as("status").isEqualTo(JobStatus.FAILED);
    assertThat(JobFold.naming(job, List.of("a#t3")).detail())
        .as("detail")
        .isEqualTo(
            "1 of 2 units failed (1 landed, 1 failed, 0 cancelled); fixed 2 of 3 failing tests;"
                + " still failing: a#t3");
  }

  @Test
  void unitsThatEndBeforeTheJobIsRunningSettleItWhenItRuns() {
    JobState planning = JobFold.apply(null, event(JobStatus.PLANNING, 0, 0));
    planning = JobFold.unitMoved(planning, null, UnitStatus.LANDED, 0, T0);

    assertThat(planning.status()).as("status while planning").isEqualTo(JobStatus.PLANNING);
    assertThat(JobFold.apply(planning, event(JobStatus.RUNNING, 1, 1)).status())
        .as("status once running")
        .isEqualTo(JobStatus.SUCCEEDED);
  }

  private static JobState running(int units) {
    return running(units, 0);
  }

  private static JobState running(int units, int targets) {
    return JobFold.apply(
        JobFold.apply(null, event(JobStatus.ACCEPTED, 0, 0)),
        new JobEvent(JOB, JobStatus.RUNNING, units, targets, null, T0.plusSeconds(1)));
  }

  private static JobEvent event(JobStatus status, int units, int second) {
    return new JobEvent(JOB, status, units, null, T0.plusSeconds(second));
  }
}
