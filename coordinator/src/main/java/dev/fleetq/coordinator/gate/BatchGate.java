package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.Reason;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a batch of requests for one repository with as few suite runs as it can. After the {@link
 * Gatekeeper}'s checks it merges the candidates onto main in order in one scratch worktree (a
 * candidate that conflicts is refused {@code CONFLICT} and left out) and runs the suite once. The
 * run must meet the chain's {@link Expectations}: every test that passes on main still passes (the
 * rule), and every target test of every candidate's unit passes (the goal). Then the whole batch
 * lands: main gets one merge commit per unit, in order, pushed with one compare-and-swap. Otherwise
 * the {@link ChainRun} finds who is to blame (the candidate that breaks a passing test or undoes
 * another unit's target, or the one that did not make its own target pass), the {@link FlakeFilter}
 * makes sure each break is real, those candidates are refused naming the tests, and the rest is
 * merged and tested again; so every candidate that is not to blame lands, main never holds a
 * regression, and a landed unit's target tests pass on main. What a run proved carries over: the
 * prefix below the first failure is known to be good and is never tested again, and once culprits
 * are dense the {@link Splitting} tests groups past it rather than the whole chain. With {@code
 * parallelRuns} above 1 a bisection probes that many prefixes at once, on as many executors. The
 * suite's runs are kept by tree ({@link TreeRuns}) for the whole batch, so a merge that gives the
 * same files as one already tested costs no run.
 *
 * <p>Not thread-safe per repository: the gate decides one batch of a repository at a time, on an
 * executor thread; it blocks while git and the tests run.
 */
final class BatchGate {
  private static final Logger log = LoggerFactory.getLogger(BatchGate.class);

  private final Gatekeeper gatekeeper;
  private final GateLedger ledger;
  private final SuiteRunner suites;
  private final FlakeFilter flakes;
  private final Consumer<GateRequest> gating;
  private final int landAttempts;
  private final TreeRuns.Parallel parallel;
  private final Clock clock;

  BatchGate(
      Gatekeeper gatekeeper,
      GateLedger ledger,
      SuiteRunner suites,
      FlakeFilter flakes,
      Consumer<GateRequest> gating,
      int landAttempts,
      TreeRuns.Parallel parallel,
      Clock clock) {
    this.gatekeeper = gatekeeper;
    this.ledger = ledger;
    this.suites = suites;
    this.flakes = flakes;
    this.gating = gating;
    this.landAttempts = landAttempts;
    this.parallel = parallel;
    this.clock = clock;
  }

  /**
   * Decides requests for one repository, for different units, in order; tells {@code gating} of
   * each candidate it tests; it does not emit the verdicts. When main moves under its push (another
   * owner of the repository may have landed some of these units), it fetches, checks the requests
   * again and tests what is left on the new main.
   *
   * @throws IllegalArgumentException when two requests are for the same unit
   */
  List<Decision> decide(List<GateRequest> requests) {
    if (requests.stream().map(GateRequest::key).distinct().count() != requests.size()) {
      throw new IllegalArgumentException("a batch holds one request per unit");
    }
    Verdicts verdicts = new Verdicts(requests, clock);
    GateRequest first = requests.get(0);
    RepoMirror mirror = gatekeeper.mirror(first.repo());
    TreeRuns runs =
        new TreeRuns(suites, mirror, first, first.repoId().value(), verdicts::countRun, parallel);
    List<Integer> pending = admit(verdicts, mirror);
    for (int attempt = 1; attempt <= landAttempts && !pending.isEmpty(); attempt++) {
      if (attempt > 1) {
        log.info("Main moved while {} candidates were being landed; testing again", pending.size());
        mirror.fetch();
        pending = recheck(verdicts, mirror, pending);
        if (pending.isEmpty()) {
          break;
        }
      }
      pending = round(verdicts, mirror, runs, pending);
    }
    for (int index : pending) {
      verdicts.decide(
          index,
          b ->
              b.refuse(
                  Reason.PUSH_FAILED,
                  "Main moved under the gate's push "
                      + landAttempts
                      + " times in a row; the candidate was not landed."));
    }
    log.info("Decided {} requests with {} suite runs", requests.size(), verdicts.suiteRuns());
    return verdicts.all();
  }

  /** Checks each request; returns those to test, in order. */
  private List<Integer> admit(Verdicts verdicts, RepoMirror mirror) {
    List<Integer> pending = new ArrayList<>();
    for (int index = 0; index < verdicts.size(); index++) {
      GateRequest request = verdicts.request(index);
      Optional<Decision> decided = gatekeeper.check(request, mirror, verdicts.builder(index));
      if (decided.isPresent()) {
        verdicts.decide(index, decided.get());
      } else {
        gating.accept(request);
        pending.add(index);
      }
    }
    return pending;
  }

  /**
   * Checks the requests again after main moved: a unit that another owner landed meanwhile is
   * decided as landed already; returns those still to test.
   */
  private List<Integer> recheck(Verdicts verdicts, RepoMirror mirror, List<Integer> pending) {
    List<Integer> still = new ArrayList<>();
    for (int index : pending) {
      Optional<Decision> decided =
          gatekeeper.check(verdicts.request(index), mirror, verdicts.builder(index));
      if (decided.isPresent()) {
        verdicts.decide(index, decided.get());
      } else {
        still.add(index);
      }
    }
    return still;
  }

  /** Merges, tests and lands on the current main; returns what to try again as main moved. */
  private List<Integer> round(
      Verdicts verdicts, RepoMirror mirror, TreeRuns runs, List<Integer> pending) {
    String main = mirror.mainHead();
    GateRequest first = verdicts.request(pending.get(0));
    Optional<GateBaseline> baseline = gatekeeper.baseline(first, mirror, main, verdicts::countRun);
    if (baseline.isEmpty()) {
      String detail =
          "Measuring the baseline of main ("
              + Refusals.shortSha(main)
              + ") ran past the test timeout of "
              + first.gate().timeout()
              + ".";
      pending.forEach(index -> verdicts.decide(index, b -> b.refuse(Reason.TIMED_OUT, detail)));
      return List.of();
    }
    List<Integer> members = pending;
    Splitting splitting = new Splitting();
    while (!members.isEmpty()) {
      try (RepoMirror.Scratch scratch = mirror.scratch(main, "batch")) {
        Merge merge = new Merge(verdicts, scratch, main, members);
        if (merge.upTo(1).members().isEmpty()) {
          merge.decideUnchanged(main, baseline.get().passing(), "at its head");
          return List.of();
        }
        Optional<Comparison> clean =
            test(verdicts, mirror, runs, main, merge, baseline.get(), splitting);
        if (clean.isPresent()) {
          return land(verdicts, mirror, main, merge, clean.get());
        }
        members = merge.undecided();
      }
    }
    return List.of();
  }

  /**
   * Tests the chain as far as the {@link Splitting} says, group after group, merging candidates
   * only as far as a run needs them, until the whole chain meets its expectations (its comparison,
   * to land) or some candidate is refused (empty).
   */
  private Optional<Comparison> test(
      Verdicts verdicts,
      RepoMirror mirror,
      TreeRuns runs,
      String main,
      Merge merge,
      GateBaseline baseline,
      Splitting splitting) {
    while (true) {
      int knownGood = splitting.knownGood();
      Chain tested = merge.upTo(splitting.end(merge.most()));
      int end = tested.size();
      boolean whole = end == merge.most();
      SuiteRunner.Outcome run = runs.at(tested.head(end), whole ? "batch" : "group");
      if (run.timedOut()) {
        refuseTimedOut(verdicts, tested.members().subList(knownGood, end), run);
        return Optional.empty();
      }
      ChainRun test =
          new ChainRun(
              runs,
              flakes,
              verdicts,
              mirror,
              main,
              tested,
              Expectations.of(baseline.passing(), verdicts, tested));
      Optional<Comparison> clean = test.test(run, knownGood);
      if (clean.isEmpty()) {
        long refused = tested.members().stream().filter(verdicts::decided).count();
        splitting.failed(
            Math.min(test.firstFailing(), firstDecided(verdicts, tested)), (int) refused);
        return clean;
      }
      splitting.passed(end);
      if (whole) {
        return clean;
      }
    }
  }

  /**
   * The first prefix of {@code chain} whose last candidate is decided (refused); past it if none.
   */
  private static int firstDecided(Verdicts verdicts, Chain chain) {
    for (int prefix = 1; prefix <= chain.size(); prefix++) {
      if (verdicts.decided(chain.members().get(prefix - 1))) {
        return prefix;
      }
    }
    return chain.size() + 1;
  }

  private static void refuseTimedOut(
      Verdicts verdicts, List<Integer> members, SuiteRunner.Outcome run) {
    GateRequest first = verdicts.request(members.get(0));
    String detail =
        "With the candidate merged, the test command ran past its timeout of "
            + first.gate().timeout()
            + ". Its last lines:\n"
            + run.logTail();
    members.forEach(i -> verdicts.decide(i, b -> b.refuse(Reason.TIMED_OUT, detail)));
  }

  /** The message of the merge commit that lands the request's candidate on main. */
  static String landing(GateRequest request) {
    return "Land " + request.key() + " attempt " + request.attempt();
  }

  /**
   * Lands the merge's whole chain, and decides the candidates whose merge changed nothing once main
   * holds it; returns what to try again as main moved.
   */
  private List<Integer> land(
      Verdicts verdicts, RepoMirror mirror, String main, Merge merge, Comparison clean) {
    Chain chain = merge.upTo(merge.most());
    List<Integer> again = new ArrayList<>(chain.members());
    again.addAll(merge.unchanged());
    again.sort(null);
    List<Integer> marked = new ArrayList<>();
    for (int k = 0; k < chain.size(); k++) {
      int index = chain.members().get(k);
      UnitKey unit = verdicts.request(index).key();
      if (!ledger.markLanded(unit, chain.heads().get(k))) {
        // Another owner is landing the unit: back off, and let the next round's check settle it.
        log.info("{} is being landed elsewhere; checking the batch again", unit);
        unmark(verdicts, chain, marked);
        return again;
      }
      marked.add(k);
    }
    RepoMirror.Push push;
    try {
      push = mirror.pushMain(chain.head(chain.size()), main);
    } catch (RuntimeException e) {
      unmark(verdicts, chain, marked);
      throw e;
    }
    switch (push.kind()) {
      case PUSHED:
        GateRequest first = verdicts.request(chain.members().get(0));
        gatekeeper.offer(
            new GateBaseline(
                first.repoId(), chain.head(chain.size()), clean.passing(), clock.instant()));
        for (int k = 0; k < chain.size(); k++) {
          String commit = chain.heads().get(k);
          List<String> fixed = fixedBy(verdicts.request(chain.members().get(k)), clean);
          verdicts.decide(chain.members().get(k), b -> b.landed(commit, fixed));
        }
        String landings =
            "at "
                + Refusals.shortSha(chain.head(chain.size()))
                + ", with the landings of "
                + chain.members().stream()
                    .map(i -> verdicts.request(i).key().toString())
                    .collect(Collectors.joining(", "));
        merge.decideUnchanged(chain.head(chain.size()), clean.passing(), landings);
        return List.of();
      case MAIN_MOVED:
        unmark(verdicts, chain, marked);
        return again;
      default:
        unmark(verdicts, chain, marked);
        String detail = "The origin refused the push of main: " + push.error();
        again.forEach(i -> verdicts.decide(i, b -> b.refuse(Reason.PUSH_FAILED, detail)));
        return List.of();
    }
  }

  /**
   * The tests a landing unit fixed: its target tests, which all pass; for a unit that names none,
   * the tests the batch fixed that are no unit's target.
   */
  private static List<String> fixedBy(GateRequest request, Comparison clean) {
    return request.targetTests().isEmpty()
        ? clean.fixed()
        : request.targetTests().stream().filter(clean.passing()::contains).toList();
  }

  private void unmark(Verdicts verdicts, Chain chain, List<Integer> marked) {
    for (int k : marked) {
      ledger.unmarkLanded(verdicts.request(chain.members().get(k)).key(), chain.heads().get(k));
    }
  }

  /**
   * Candidates merged onto main in order.
   *
   * @param members the requests' indexes in the batch, in merge order
   * @param heads the commit after each merge
   */
  record Chain(List<Integer> members, List<String> heads) {
    int size() {
      return members.size();
    }

    /** The commit with the first {@code prefix} candidates merged, from 1. */
    String head(int prefix) {
      return heads.get(prefix - 1);
    }
  }
}
