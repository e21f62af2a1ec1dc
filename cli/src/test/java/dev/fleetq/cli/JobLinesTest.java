package dev.fleetq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobLinesTest {
  private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

  @Test
  void aFailingTestsJobShowsHowManyOfItsTestsAreFixed() {
    JobState job =
        new JobState(
            JobId.parse("job-1"),
            JobStatus.RUNNING,
            3,
            Map.of(UnitStatus.LANDED, 2, UnitStatus.RUNNING, 1),
            4,
            3,
            null,
            T0,
            T0);

    assertThat(JobLines.line(job))
        .isEqualTo(
            "job-1                    RUNNING      2/3   landed  fixed 3/4 tests  RUNNING=1 LANDED=2");
  }

  @Test
  void aJobWithoutTargetTestsShowsNoFixedCountButItsDetail() {
    JobState job =
        new JobState(
            JobId.parse("job-2"),
            JobStatus.FAILED,
            0,
            Map.of(),
            0,
            0,
            "planning failed: the test command was not found\nsecond line",
            T0,
            T0);

    assertThat(JobLines.line(job))
        .isEqualTo(
            "job-2                    FAILED       0/0   landed    planning failed: the test command was not found");
  }
}
