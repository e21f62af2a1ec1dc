package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.gate.GateVerdict.Outcome;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Limits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The gate's decision on one request: the verdict, and the detail of the event that reports it.
 * Immutable and thread-safe.
 *
 * <p>A request for a unit that already landed (a duplicate delivery, or a second owner's copy of
 * the request) is decided without an event: the landing's own {@code LANDED} event reports the
 * unit, and a {@code RETRYING} for the same attempt could overtake it and fail a landed unit.
 *
 * @param verdict the gate's verdict
 * @param detail the event's detail: for a landing, the landed commit on the first line and the
 *     fixed tests after it; for a unit superseded, the main commit that does its work on the first
 *     line and what did it after it; for a refusal, what a person (or the next attempt's agent)
 *     needs to know; either ends with the gate's report (tests fixed, broken and flaky, suite runs,
 *     time) when the decision ran the suite
 * @param announced whether the decision emits an event; false for a unit that already landed
 */
record Decision(GateVerdict verdict, String detail, boolean announced) {

  /** A decision that its event announces. */
  Decision(GateVerdict verdict, String detail) {
    this(verdict, detail, true);
  }

  /** Collects what a decision needs while it is being made. Owned by one thread. */
  static final class Builder {
    private final GateRequest request;
    private final Instant started;
    private final Clock clock;
    private int suiteRuns;
    private List<String> flaky = List.of();

    Builder(GateRequest request, Instant started, Clock clock) {
      this.request = request;
      this.started = started;
      this.clock = clock;
    }

    /** Records how many suite runs the decision (or its batch) took so far. */
    void suiteRuns(int runs) {
      suiteRuns = runs;
    }

    Decision refuse(Reason reason, String detail) {
      return refuse(reason, detail, List.of(), List.of());
    }

    /** Records the tests that failed and then passed when the suite ran again. */
    void flaky(List<String> tests) {
      flaky = List.copyOf(tests);
    }

    Decision refuse(Reason reason, String detail, List<String> broken, List<String> fixed) {
      return new Decision(
          verdict(Outcome.REFUSED, reason, broken, fixed, null),
          detail + report(broken.size(), fixed.size()));
    }

    /**
     * The decision on a request whose unit already landed as {@code commit}: recorded as a refusal
     * ({@code STALE_ATTEMPT}), without an event.
     */
    Decision alreadyLanded(String commit) {
      return unannounced(
          "already landed as "
              + commit
              + "; this request for attempt "
              + request.attempt()
              + " changes nothing.");
    }

    /**
     * The decision on a request whose unit was cancelled or superseded while its candidate was on
     * the way: recorded as a refusal ({@code STALE_ATTEMPT}), without an event, as the unit's end
     * is already reported; nothing of it lands.
     */
    Decision endedElsewhere(UnitStatus status) {
      return unannounced(
          "is " + status + "; the candidate of attempt " + request.attempt() + " is not landed.");
    }

    /**
     * A {@code STALE_ATTEMPT} refusal without an event, whose detail says what the unit {@code is}.
     */
    private Decision unannounced(String is) {
      return new Decision(
          verdict(Outcome.REFUSED, Reason.STALE_ATTEMPT, List.of(), List.of(), null),
          "The unit " + request.key() + " " + is,
          false);
    }

    Decision landed(String commit, List<String> fixed) {
      String detail = fixed.isEmpty() ? commit : commit + "\nfixed: " + String.join(", ", fixed);
      return new Decision(
          verdict(Outcome.LANDED, null, List.of(), fixed, commit),
          detail + report(0, fixed.size()));
    }

    /**
     * The decision on a candidate whose merge onto main changes no file while its target tests pass
     * there: main at {@code commit} already does its work, so nothing is merged.
     *
     * @param by what did the work: the landing, in this batch or before, that main's tests show
     */
    Decision superseded(String commit, String by) {
      List<String> targets = request.targetTests();
      String detail =
          commit
              + "\nsuperseded: main "
              + by
              + " already does this unit's work; its merge changes no file"
              + (targets.isEmpty()
                  ? ""
                  : " and its target tests pass: " + String.join(", ", targets));
      return new Decision(
          verdict(Outcome.SUPERSEDED, null, List.of(), targets, commit),
          detail + report(0, targets.size()));
    }

    /** The gate's report for people, or nothing when the decision ran no suite. */
    private String report(int broken, int fixed) {
      if (suiteRuns == 0 && flaky.isEmpty()) {
        return "";
      }
      StringBuilder report = new StringBuilder("\n\nGate report: ");
      report.append(fixed).append(" fixed, ").append(broken).append(" broken, ");
      report.append(flaky.size()).append(" flaky");
      if (!flaky.isEmpty()) {
        report.append(" (").append(String.join(", ", flaky)).append(')');
      }
      report.append("; ").append(suiteRuns).append(suiteRuns == 1 ? " suite run" : " suite runs");
      return report.append(" in ").append(elapsed().toMillis()).append(" ms.").toString();
    }

    /**
     * The verdict's lists within the wire format's bounds: a suite can break more tests, with
     * longer ids, than a record may carry; the event's detail still names them (clipped).
     */
    static List<String> bounded(List<String> ids) {
      return ids.stream()
          .limit(Limits.MAX_LIST_ENTRIES)
          .map(
              id ->
                  id.length() <= Limits.MAX_ENTRY_CHARS
                      ? id
                      : id.substring(0, Limits.MAX_ENTRY_CHARS))
          .toList();
    }

    private Duration elapsed() {
      Duration elapsed = Duration.between(started, clock.instant());
      return elapsed.isNegative() ? Duration.ZERO : elapsed;
    }

    private GateVerdict verdict(
        Outcome outcome, Reason reason, List<String> broken, List<String> fixed, String commit) {
      return new GateVerdict(
          request.jobId(),
          request.unitId(),
          request.attempt(),
          request.repoId(),
          outcome,
          reason,
          bounded(broken),
          bounded(fixed),
          bounded(flaky),
          commit,
          suiteRuns,
          elapsed(),
          clock.instant());
    }
  }
}
