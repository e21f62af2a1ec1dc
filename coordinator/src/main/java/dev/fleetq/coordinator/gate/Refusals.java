package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import java.util.List;
import java.util.OptionalLong;

/**
 * The words of the gate's refusals. They become the {@code RETRYING} event's detail, which the next
 * attempt's agent reads in its {@code TASK.md}, so each says what went wrong and names what to fix.
 * Stateless and thread-safe.
 */
final class Refusals {
  private static final int SHORT_SHA = 12;

  private Refusals() {}

  static String stale(GateRequest request, OptionalLong current) {
    return current.isEmpty()
        ? "Attempt " + request.attempt() + " is stale: no current attempt is recorded for the unit."
        : "Attempt "
            + request.attempt()
            + " is stale: the unit's current attempt is "
            + current.getAsLong()
            + ".";
  }

  static String conflict(GateRequest request, String main, List<String> conflicts) {
    return "Merging the candidate "
        + shortSha(request.candidateCommit())
        + " onto "
        + request.repo().branch()
        + " ("
        + shortSha(main)
        + ") conflicts in: "
        + String.join(", ", conflicts)
        + ". Merge the latest "
        + request.repo().branch()
        + " into the branch and resolve the conflicts.";
  }

  static String regression(
      GateRequest request, String main, Comparison comparison, SuiteRunner.Outcome run) {
    StringBuilder detail =
        new StringBuilder("The gate refused attempt ")
            .append(request.attempt())
            .append(": ")
            .append(comparison.broken().size())
            .append(comparison.broken().size() == 1 ? " test that passes" : " tests that pass")
            .append(" on ")
            .append(request.repo().branch())
            .append(" (")
            .append(shortSha(main))
            .append(") did not pass with the candidate merged:");
    comparison.broken().forEach(line -> detail.append("\n- ").append(line));
    if (comparison.removesTests()) {
      detail
          .append("\nTests that passed on ")
          .append(request.repo().branch())
          .append(" are missing or skipped: ")
          .append(String.join(", ", comparison.removedIds()))
          .append(". Restore them; a passing test may not be deleted or disabled.");
    }
    if (run.report() == null) {
      detail.append("\nNo test report was found: ").append(run.problem());
      detail.append("\nThe test command's last lines:\n").append(run.logTail());
    }
    return detail.toString();
  }

  static String shortSha(String commit) {
    return commit.length() <= SHORT_SHA ? commit : commit.substring(0, SHORT_SHA);
  }
}
