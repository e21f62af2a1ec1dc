package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.UnitKey;
import java.util.List;
import java.util.Map;
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

  /**
   * A refusal for breaking tests.
   *
   * @param owners the target tests that fail on main, by the unit whose target each is: a broken
   *     one was made to pass by that unit's candidate, which this one undoes
   */
  static String regression(
      GateRequest request,
      String main,
      Comparison comparison,
      SuiteRunner.Outcome run,
      Map<String, UnitKey> owners) {
    boolean undoes = comparison.brokenIds().stream().anyMatch(owners::containsKey);
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
            .append(undoes ? "), or with another unit's candidate," : ")")
            .append(" did not pass with the candidate merged:");
    for (int i = 0; i < comparison.broken().size(); i++) {
      detail.append("\n- ").append(comparison.broken().get(i));
      UnitKey owner = owners.get(comparison.brokenIds().get(i));
      if (owner != null) {
        detail
            .append("\n  (a target test of ")
            .append(owner)
            .append(": its candidate makes it pass, and this candidate undoes that)");
      }
    }
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

  /** A refusal for target tests of the unit that do not pass, which says where they failed. */
  static String targetsStillFailing(
      GateRequest request, String main, Comparison targets, ChainRun.Unfinished where) {
    int count = targets.broken().size();
    StringBuilder detail =
        new StringBuilder("The gate refused attempt ")
            .append(request.attempt())
            .append(": it breaks no passing test, but ")
            .append(count)
            .append(count == 1 ? " of its target tests does" : " of its target tests do")
            .append(" not pass ")
            .append(
                switch (where) {
                  case ALONE -> "with the candidate merged onto ";
                  case UNTESTED_ALONE -> "with the candidate merged, with others, onto ";
                  case WITH_EARLIER ->
                      "with the candidate merged onto the candidates landed before it on ";
                })
            .append(request.repo().branch())
            .append(" (")
            .append(shortSha(main))
            .append("):");
    targets.broken().forEach(line -> detail.append("\n- ").append(line));
    detail.append(
        where == ChainRun.Unfinished.WITH_EARLIER
            ? "\nThey pass with this candidate alone; merge the latest "
                + request.repo().branch()
                + " once those candidates land, and make the target tests pass with them."
            : "\nThe unit is done when every target test passes; a test id that did not run at all"
                + " is named as missing.");
    return detail.toString();
  }

  static String shortSha(String commit) {
    return commit.length() <= SHORT_SHA ? commit : commit.substring(0, SHORT_SHA);
  }
}
