package dev.fleetq.cli;

import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.UnitStatus;
import java.util.Map;
import java.util.stream.Collectors;

/** A job's projected state as one line of text. Stateless. */
final class JobLines {
  private JobLines() {}

  static String line(JobState job) {
    String counts =
        job.counts().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
    String line =
        String.format(
            "%-24s %-10s %3d/%-3d landed  %s",
            job.jobId(), job.status(), job.count(UnitStatus.LANDED), job.unitCount(), counts);
    return job.detail() == null || job.detail().isBlank()
        ? line.stripTrailing()
        : line + "  " + job.detail().lines().findFirst().orElse("");
  }
}
