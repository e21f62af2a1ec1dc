package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.exec.git.Git;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gate checks about one {@link GateRequest} before it tests anything, and the baseline it
 * tests against. A request is refused when its attempt is stale, its unit already landed, its
 * candidate is not in the origin, or the {@link ChangeGuard} refuses the paths it changes; a
 * candidate already in main's history (a second owner landed it first) is recorded as landed
 * without testing it again. The {@link BatchGate} merges, tests and lands what passes these checks.
 *
 * <p><b>Landing order.</b> {@code landed:{unitKey}} is set with {@code SETNX} and a lease before
 * the push, removed again (compare-and-delete) when the push does not happen, and confirmed (made
 * permanent) once the {@code LANDED} event is acknowledged. A request that finds an unconfirmed
 * mark waits until it settles, bounded by the mark's lease: confirmed means the unit landed (the
 * request is a duplicate and gets no event), gone means that landing failed or died and the request
 * is decided as usual. So a second owner of the repository never clears or overtakes a landing in
 * progress. A confirmed mark naming a commit that is not on main (main was rewritten outside
 * fleetq) is cleared.
 *
 * <p>Not thread-safe per repository: the gate calls it for one batch of a repository at a time, on
 * an executor thread; it blocks while git and the tests run.
 */
final class Gatekeeper {
  private static final Logger log = LoggerFactory.getLogger(Gatekeeper.class);
  private static final Duration SETTLE_POLL = Duration.ofMillis(200);

  private final GateLedger ledger;
  private final Baselines baselines;
  private final Git git;
  private final SuiteRunner suites;
  private final ChangeGuard guard;
  private final Path workDir;
  private final Pause pause;
  private final Clock clock;

  /**
   * @param pause waits between two looks at a landing in progress; it throws {@link
   *     java.util.concurrent.CancellationException} when the gate closes
   */
  Gatekeeper(
      GateLedger ledger,
      Baselines baselines,
      Git git,
      SuiteRunner suites,
      ChangeGuard guard,
      Path workDir,
      Pause pause,
      Clock clock) {
    this.pause = pause;
    this.ledger = ledger;
    this.baselines = baselines;
    this.git = git;
    this.suites = suites;
    this.guard = guard;
    this.workDir = workDir;
    this.clock = clock;
  }

  /** The gate's mirror of the repository, freshly fetched. */
  RepoMirror mirror(RepoSpec repo) {
    return new RepoMirror(git, workDir, repo).fetch();
  }

  /**
   * The decision on a request that needs no test run (a refusal, or a candidate already on main),
   * or empty when the candidate is to be tested.
   */
  Optional<Decision> check(GateRequest request, RepoMirror mirror, Decision.Builder decision) {
    OptionalLong current = ledger.currentAttempt(request.key());
    if (current.isEmpty() || current.getAsLong() != request.attempt()) {
      return Optional.of(decision.refuse(Reason.STALE_ATTEMPT, Refusals.stale(request, current)));
    }
    Optional<UnitStatus> ended = ledger.endedElsewhere(request.key());
    if (ended.isPresent()) {
      return Optional.of(decision.endedElsewhere(ended.get()));
    }
    Optional<String> landed = settledLanding(request, mirror);
    if (landed.isPresent()) {
      return Optional.of(decision.alreadyLanded(landed.get()));
    }
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
    return guard
        .check(request, mirror.changedPaths(candidate, main))
        .map(refusal -> decision.refuse(refusal.reason(), refusal.detail()));
  }

  /**
   * The saved baseline if it describes main, otherwise a new one measured on main; empty when the
   * measurement ran past the test timeout.
   *
   * @param countRun called for each suite run
   */
  Optional<GateBaseline> baseline(
      GateRequest request, RepoMirror mirror, String main, Runnable countRun) {
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
    SuiteRunner.Outcome run =
        suites.run(mirror, main, request, request.repoId().value() + "-baseline");
    countRun.run();
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

  /**
   * Offers a baseline to the next request. One that is not stored (a newer one is there, or Redis
   * failed) is measured again when it is needed, so a failure here waits.
   */
  void offer(GateBaseline baseline) {
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

  /**
   * The unit's landed commit once any landing in progress has settled, if it really is on main;
   * empty when the unit has not landed.
   */
  private Optional<String> settledLanding(GateRequest request, RepoMirror mirror) {
    long deadline = System.nanoTime() + ledger.landingLease().multipliedBy(2).toNanos();
    Optional<GateLedger.Mark> mark = ledger.mark(request.key());
    if (mark.isPresent() && !mark.get().confirmed()) {
      log.info(
          "{} is being landed as {}; waiting for that landing to settle",
          request.key(),
          Refusals.shortSha(mark.get().commit()));
    }
    while (mark.isPresent() && !mark.get().confirmed()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the landing of " + request.key() + " did not settle within its lease");
      }
      pause.pause(SETTLE_POLL);
      mark = ledger.mark(request.key());
    }
    if (mark.isEmpty()) {
      return Optional.empty();
    }
    String commit = mark.get().commit();
    if (mirror.isAncestor(commit, mirror.mainHead())
        || mirror.fetch().isAncestor(commit, mirror.mainHead())) {
      return Optional.of(commit);
    }
    log.warn(
        "{} is marked landed as {}, which is not on main; clearing the mark",
        request.key(),
        commit);
    ledger.unmarkLanded(request.key(), commit);
    return Optional.empty();
  }

  private Decision recordAlreadyOnMain(
      GateRequest request, String main, Decision.Builder decision) {
    if (!ledger.markLanded(request.key(), main)) {
      return decision.alreadyLanded(ledger.landed(request.key()).orElse(main));
    }
    return decision.landed(main, List.of());
  }

  /** Waits between two looks at a landing in progress. */
  @FunctionalInterface
  interface Pause {
    /**
     * Waits for {@code time}.
     *
     * @throws java.util.concurrent.CancellationException when the gate closes meanwhile
     */
    void pause(Duration time);

    /** A pause that the gate's closing latch cuts short. */
    static Pause until(CountDownLatch closing) {
      return time -> {
        try {
          if (closing.await(time.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new CancellationException("the gate closed");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted");
        }
      };
    }
  }
}
