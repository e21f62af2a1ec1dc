package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.exec.git.Git;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides one {@link GateRequest}: refuses a stale attempt or an already-landed unit, merges the
 * candidate onto the current main in a scratch worktree (unless the {@link ChangeGuard} refuses the
 * paths it changes), runs the job's tests, compares them with the repository's baseline (measuring
 * a new one when main moved outside fleetq), and lands the merge with a compare-and-swap push,
 * trying again on the new main when main moved under it.
 *
 * <p><b>Main's layout.</b> Every landing is one merge commit on main, {@code Land {unitKey} attempt
 * {n}}, whose first parent is the previous main and whose second parent is the worker's candidate
 * commit, so the candidate and its {@code Fleetq-*} trailers stay reachable and {@code git log
 * --first-parent main} shows one gate-landed commit per unit.
 *
 * <p><b>Landing order.</b> {@code landed:{unitKey}} is set with {@code SETNX} before the push and
 * removed again (compare-and-delete) when the push does not happen. If a process dies between the
 * two, the mark names a commit that is not on main; the next request for the unit sees that and
 * clears it rather than refusing. A candidate already in main's history (a second owner landed it
 * first) is recorded as landed without testing it again.
 *
 * <p>Not thread-safe per repository: the gate calls it for one request of a repository at a time,
 * on an executor thread; it blocks while git and the tests run.
 */
final class Gatekeeper {
  private static final Logger log = LoggerFactory.getLogger(Gatekeeper.class);

  private final GateLedger ledger;
  private final Baselines baselines;
  private final Git git;
  private final SuiteRunner suites;
  private final ChangeGuard guard;
  private final FlakeFilter flakes;
  private final GateEvents events;
  private final Path workDir;
  private final int landAttempts;
  private final Clock clock;

  Gatekeeper(
      GateLedger ledger,
      Baselines baselines,
      Git git,
      SuiteRunner suites,
      ChangeGuard guard,
      FlakeFilter flakes,
      GateEvents events,
      Path workDir,
      int landAttempts,
      Clock clock) {
    this.ledger = ledger;
    this.baselines = baselines;
    this.git = git;
    this.suites = suites;
    this.guard = guard;
    this.flakes = flakes;
    this.events = events;
    this.workDir = workDir;
    this.landAttempts = landAttempts;
    this.clock = clock;
  }

  /** Decides the request; emits {@code GATING} when it starts testing, but not the verdict. */
  Decision decide(GateRequest request) {
    Decision.Builder decision = new Decision.Builder(request, clock.instant(), clock);
    OptionalLong current = ledger.currentAttempt(request.key());
    if (current.isEmpty() || current.getAsLong() != request.attempt()) {
      return decision.refuse(Reason.STALE_ATTEMPT, Refusals.stale(request, current));
    }
    RepoMirror mirror = new RepoMirror(git, workDir, request.repo()).fetch();
    Optional<String> landed = clearUnfinishedLanding(request, mirror);
    if (landed.isPresent()) {
      return decision.refuse(
          Reason.STALE_ATTEMPT, "The unit " + request.key() + " already landed as " + landed.get());
    }
    events.emit(request, UnitStatus.GATING, null, "testing " + request.candidateCommit());
    for (int attempt = 1; attempt <= landAttempts; attempt++) {
      Optional<Decision> decided = tryToLand(request, mirror, decision);
      if (decided.isPresent()) {
        return decided.get();
      }
      log.info(
          "Main moved while {} was being landed; testing it again on the new main", request.key());
      mirror.fetch();
    }
    return decision.refuse(
        Reason.PUSH_FAILED,
        "Main moved under the gate's push "
            + landAttempts
            + " times in a row; the candidate was not landed.");
  }

  /** One merge, test and push; empty when main moved under the push. */
  private Optional<Decision> tryToLand(
      GateRequest request, RepoMirror mirror, Decision.Builder decision) {
    String main = mirror.mainHead();
    String candidate = request.candidateCommit();
    if (!mirror.hasCommit(candidate)) {
      return Optional.of(
          decision.refuse(
              Reason.PUSH_FAILED,
              "The candidate commit "
                  + candidate
                  + " of branch "
                  + request.candidateBranch()
                  + " is not in the origin."));
    }
    if (mirror.isAncestor(candidate, main)) {
      return Optional.of(recordAlreadyOnMain(request, main, decision));
    }
    Optional<ChangeGuard.Refusal> guarded =
        guard.check(request, mirror.changedPaths(candidate, main));
    if (guarded.isPresent()) {
      return Optional.of(decision.refuse(guarded.get().reason(), guarded.get().detail()));
    }
    Optional<GateBaseline> baseline = baseline(request, mirror, main, decision);
    if (baseline.isEmpty()) {
      return Optional.of(
          decision.refuse(
              Reason.TIMED_OUT,
              "Measuring the baseline of main ("
                  + Refusals.shortSha(main)
                  + ") ran past the test timeout of "
                  + request.gate().timeout()
                  + "."));
    }
    try (RepoMirror.Scratch scratch = mirror.scratch(main, "candidate")) {
      List<String> conflicts =
          scratch.merge(candidate, "Land " + request.key() + " attempt " + request.attempt());
      if (!conflicts.isEmpty()) {
        return Optional.of(
            decision.refuse(Reason.CONFLICT, Refusals.conflict(request, main, conflicts)));
      }
      SuiteRunner.Outcome run =
          suites.run(scratch.dir(), request.gate(), runName(request, "candidate"));
      decision.countSuiteRun();
      if (run.timedOut()) {
        return Optional.of(
            decision.refuse(
                Reason.TIMED_OUT,
                "With the candidate merged, the test command ran past its timeout of "
                    + request.gate().timeout()
                    + ". Its last lines:\n"
                    + run.logTail()));
      }
      Comparison comparison =
          flakes.recheck(
              scratch.dir(),
              request,
              baseline.get().passing(),
              Comparison.of(baseline.get().passing(), run.report()),
              decision,
              runName(request, "candidate"));
      if (comparison.hasRegressions()) {
        return Optional.of(
            decision.refuse(
                comparison.removesTests() ? Reason.TEST_REMOVED : Reason.REGRESSION,
                Refusals.regression(request, main, comparison, run),
                comparison.brokenIds(),
                comparison.fixed()));
      }
      return land(request, mirror, main, scratch.head(), comparison, decision);
    }
  }

  private Optional<Decision> land(
      GateRequest request,
      RepoMirror mirror,
      String main,
      String merged,
      Comparison comparison,
      Decision.Builder decision) {
    if (!ledger.markLanded(request.key(), merged)) {
      String other = ledger.landed(request.key()).orElse("another commit");
      return Optional.of(
          decision.refuse(
              Reason.STALE_ATTEMPT, "The unit " + request.key() + " already landed as " + other));
    }
    RepoMirror.Push push;
    try {
      push = mirror.pushMain(merged, main);
    } catch (RuntimeException e) {
      ledger.unmarkLanded(request.key(), merged);
      throw e;
    }
    switch (push.kind()) {
      case PUSHED:
        offer(new GateBaseline(request.repoId(), merged, comparison.passing(), clock.instant()));
        return Optional.of(decision.landed(merged, comparison.fixed()));
      case MAIN_MOVED:
        ledger.unmarkLanded(request.key(), merged);
        return Optional.empty();
      default:
        ledger.unmarkLanded(request.key(), merged);
        return Optional.of(
            decision.refuse(
                Reason.PUSH_FAILED, "The origin refused the push of main: " + push.error()));
    }
  }

  /**
   * The unit's landed commit if it really is on main; a mark naming a commit that never reached
   * main is left over from a landing that died before its push, and is cleared.
   */
  private Optional<String> clearUnfinishedLanding(GateRequest request, RepoMirror mirror) {
    Optional<String> landed = ledger.landed(request.key());
    if (landed.isEmpty() || mirror.isAncestor(landed.get(), mirror.mainHead())) {
      return landed;
    }
    log.warn(
        "{} is marked landed as {}, which is not on main; clearing the mark",
        request.key(),
        landed.get());
    ledger.unmarkLanded(request.key(), landed.get());
    return Optional.empty();
  }

  private Decision recordAlreadyOnMain(
      GateRequest request, String main, Decision.Builder decision) {
    if (!ledger.markLanded(request.key(), main)) {
      return decision.refuse(
          Reason.STALE_ATTEMPT,
          "The unit "
              + request.key()
              + " already landed as "
              + ledger.landed(request.key()).orElse(main));
    }
    return decision.landed(main, List.of());
  }

  /** The saved baseline if it describes main, otherwise a new one measured on main. */
  private Optional<GateBaseline> baseline(
      GateRequest request, RepoMirror mirror, String main, Decision.Builder decision) {
    Optional<GateBaseline> saved = baselines.current(request.repoId());
    if (saved.isPresent() && saved.get().commit().equals(main)) {
      return saved;
    }
    log.info(
        "Measuring the baseline of {} on main {} ({})",
        request.repoId(),
        Refusals.shortSha(main),
        saved.isEmpty() ? "none saved" : "saved for " + Refusals.shortSha(saved.get().commit()));
    // Main was read at this commit just before; a baseline is dated by when main was read.
    Instant seen = clock.instant();
    try (RepoMirror.Scratch scratch = mirror.scratch(main, "baseline")) {
      SuiteRunner.Outcome run =
          suites.run(scratch.dir(), request.gate(), runName(request, "baseline"));
      decision.countSuiteRun();
      if (run.timedOut()) {
        return Optional.empty();
      }
      if (run.report() == null) {
        log.warn("No test report on main {}: {}", Refusals.shortSha(main), run.problem());
      }
      Set<String> passing = run.report() == null ? Set.of() : run.report().passing();
      GateBaseline baseline = new GateBaseline(request.repoId(), main, passing, seen);
      offer(baseline);
      return Optional.of(baseline);
    }
  }

  /**
   * Offers a baseline to the next request. One that is not stored (a newer one is there, or Redis
   * failed) is measured again when it is needed, so a failure here waits.
   */
  private void offer(GateBaseline baseline) {
    try {
      if (!baselines.offer(baseline)) {
        log.info(
            "Kept the newer baseline of {} over the one of {}",
            baseline.repo(),
            Refusals.shortSha(baseline.commit()));
      }
    } catch (RuntimeException e) {
      log.warn(
          "Could not save the new baseline of {}; the next request measures it",
          baseline.repo(),
          e);
    }
  }

  private static String runName(GateRequest request, String kind) {
    return request.repoId().value() + "-" + kind;
  }
}
