package dev.fleetq.cli;

import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.UnitStatus;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A job's projected state as one line of text: id, status, units landed, for a job with target
 * tests how many of them are fixed, the count per state, and the first line of the detail.
 * Stateless.
 */
final class JobLines {
  private JobLines() {}

  static String line(JobState job) {
    String counts =
        job.counts().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
    String fixed =
        job.targetTests() == 0
            ? ""
            : String.format("fixed %d/%d tests  ", job.fixedTests(), job.targetTests());
    String line =
        String.format(
            "%-24s %-10s %3d/%-3d landed  %s%s",
            job.jobId(),
            job.status(),
            job.count(UnitStatus.LANDED),
            job.unitCount(),
            fixed,
            counts);
    return job.detail() == null || job.detail().isBlank()
        ? line.stripTrailing()
        : line + "  " + job.detail().lines().findFirst().orElse("");
  }
}
