package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.unit.Reason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One test of a chain of candidates merged onto main (see {@link BatchGate}) against its {@link
 * Expectations}: the whole chain's run, then, when it fails an expected test, the {@link
 * Bisection}, the flake checks of each break, and the refusals. A test that passed on main is
 * blamed on the candidate whose merge first fails it ({@code REGRESSION}), and so is a target test
 * on the later candidate that undid it. A target test that already fails at its own candidate's
 * merge is tested with that candidate alone on main: failing there, its candidate did not do its
 * work ({@code TARGET_STILL_FAILING}); passing there, one of the candidates merged before it undid
 * it, and a second chain on main plus that candidate, with the earlier ones merged after it, finds
 * which ({@code REGRESSION}).
 *
 * <p>Not thread-safe; one per test of a chain, on the thread that decides the batch.
 */
final class ChainRun {
  private final TreeRuns runs;
  private final FlakeFilter flakes;
  private final Verdicts verdicts;
  private final RepoMirror mirror;
  private final String main;
  private final BatchGate.Chain chain;
  private final Expectations expected;
  private final Set<String> flaky;
  private final GateRequest first;
  private int firstFailing;

  /**
   * @param main the main commit the candidates are landed on, which the refusals name
   * @param chain the candidates, merged in order
   */
  ChainRun(
      TreeRuns runs,
      FlakeFilter flakes,
      Verdicts verdicts,
      RepoMirror mirror,
      String main,
      BatchGate.Chain chain,
      Expectations expected) {
    this(runs, flakes, verdicts, mirror, main, chain, expected, new HashSet<>());
  }

  private ChainRun(
      TreeRuns runs,
      FlakeFilter flakes,
      Verdicts verdicts,
      RepoMirror mirror,
      String main,
      BatchGate.Chain chain,
      Expectations expected,
      Set<String> flaky) {
    this.runs = runs;
    this.flakes = flakes;
    this.verdicts = verdicts;
    this.mirror = mirror;
    this.main = main;
    this.chain = chain;
    this.expected = expected;
    this.flaky = flaky;
    this.first = verdicts.request(chain.members().get(0));
  }

  /**
   * The chain's comparison when it may land; empty when it refused some of its candidates.
   *
   * @param run the suite's run on the whole chain, which did not time out
   * @param knownGood a prefix of the chain already known to meet the expectations
   */
  Optional<Comparison> test(SuiteRunner.Outcome run, int knownGood) {
    Comparison whole = Comparison.of(expected.all(), run.report());
    firstFailing = chain.size() + 1;
    if (!whole.hasRegressions()) {
      return Optional.of(whole);
    }
    Bisection bisection =
        new Bisection(chain.size(), whole, expected.targetsFrom(), knownGood)
            .search(runs.width(), this::probe);
    boolean refused = false;
    Map<Integer, List<String>> unmet = new TreeMap<>();
    for (Map.Entry<Integer, List<String>> failing : bisection.culprits().entrySet()) {
      int prefix = failing.getKey();
      List<String> broken = new ArrayList<>();
      for (String test : failing.getValue()) {
        if (expected.from(test) == prefix) {
          unmet.computeIfAbsent(prefix, p -> new ArrayList<>()).add(test);
        } else {
          broken.add(test);
        }
      }
      if (!broken.isEmpty()) {
        refused |= blame(prefix, broken, bisection, run);
      }
    }
    for (Map.Entry<Integer, List<String>> own : unmet.entrySet()) {
      refused |= explain(own.getKey(), own.getValue());
    }
    bisection
        .culprits()
        .forEach(
            (prefix, tests) -> {
              if (!flaky.containsAll(tests)) {
                firstFailing = Math.min(firstFailing, prefix);
              }
            });
    return refused ? Optional.empty() : Optional.of(whole.withoutFlakes(flaky));
  }

  /**
   * After {@link #test}: the first prefix seen failing a test that is not flaky, so every prefix
   * below it meets the expectations; one past the chain when none does.
   */
  int firstFailing() {
    return firstFailing;
  }

  /** Refuses the candidate at {@code prefix} for the tests it breaks, unless they are flaky. */
  private boolean blame(
      int prefix, List<String> tests, Bisection bisection, SuiteRunner.Outcome run) {
    int index = chain.members().get(prefix - 1);
    GateRequest request = verdicts.request(index);
    Comparison breaks = bisection.run(prefix).onlyBreaking(Set.copyOf(tests));
    int failed = tests.stream().mapToInt(bisection::failures).min().orElse(0);
    breaks = unlessFlaky(chain.head(prefix), request, breaks, failed);
    if (!breaks.hasRegressions()) {
      return false;
    }
    if (!verdicts.decided(index)) {
      Comparison blame = breaks;
      verdicts.decide(
          index,
          b ->
              b.refuse(
                  blame.removesTests() ? Reason.TEST_REMOVED : Reason.REGRESSION,
                  Refusals.regression(request, main, blame, run, expected.owners()),
                  blame.brokenIds(),
                  List.of()));
    }
    return true;
  }

  /**
   * Explains the target tests of the candidate at {@code prefix} that its own merge already fails:
   * refuses it for those that fail with it alone on main, and finds the earlier candidate that
   * undid the others.
   */
  private boolean explain(int prefix, List<String> targets) {
    int index = chain.members().get(prefix - 1);
    GateRequest request = verdicts.request(index);
    String alone;
    Comparison mine;
    try (RepoMirror.Scratch scratch = mirror.scratch(main, "alone")) {
      List<String> conflicts = scratch.merge(request.candidateCommit(), BatchGate.landing(request));
      if (!conflicts.isEmpty()) {
        return refuseUnfinished(
            index, Comparison.of(Set.copyOf(targets), null), Unfinished.UNTESTED_ALONE);
      }
      alone = scratch.head();
      mine = Comparison.of(Set.copyOf(targets), runs.at(alone, "alone").report());
    }
    boolean refused = false;
    if (mine.hasRegressions()) {
      refused = refuseUnfinished(index, mine, Unfinished.ALONE);
    }
    List<String> undone = targets.stream().filter(t -> !mine.brokenIds().contains(t)).toList();
    if (!undone.isEmpty()) {
      refused |= findUndoer(prefix, alone, undone);
    }
    return refused;
  }

  /**
   * Finds the candidate merged before the one at {@code prefix} that undid its {@code undone}
   * target tests: a chain on {@code alone} (main with that candidate merged) of the candidates
   * before it, in order, tested like any chain with those tests expected from its start.
   */
  private boolean findUndoer(int prefix, String alone, List<String> undone) {
    List<Integer> earlier = chain.members().subList(0, prefix - 1);
    List<String> heads = new ArrayList<>();
    try (RepoMirror.Scratch scratch = mirror.scratch(alone, "shifted")) {
      for (int index : earlier) {
        GateRequest request = verdicts.request(index);
        if (!scratch.merge(request.candidateCommit(), BatchGate.landing(request)).isEmpty()) {
          break;
        }
        heads.add(scratch.head());
      }
    }
    int index = chain.members().get(prefix - 1);
    Comparison unexplained = Comparison.of(Set.copyOf(undone), null);
    if (heads.size() < earlier.size()) {
      return refuseUnfinished(index, unexplained, Unfinished.WITH_EARLIER);
    }
    BatchGate.Chain shifted = new BatchGate.Chain(earlier, heads);
    SuiteRunner.Outcome run = runs.at(shifted.head(shifted.size()), "shifted");
    if (run.timedOut()) {
      return refuseUnfinished(index, unexplained, Unfinished.WITH_EARLIER);
    }
    Expectations undoneFromStart =
        new Expectations(Set.copyOf(undone), Map.of(), expected.owners());
    Optional<Comparison> clean =
        new ChainRun(runs, flakes, verdicts, mirror, main, shifted, undoneFromStart, flaky)
            .test(run, 0);
    if (clean.isEmpty()) {
      return true;
    }
    Comparison still = Comparison.of(Set.copyOf(undone), run.report()).withoutFlakes(flaky);
    return still.hasRegressions() && refuseUnfinished(index, still, Unfinished.WITH_EARLIER);
  }

  /** Refuses the candidate {@code index} because target tests of its unit do not pass. */
  private boolean refuseUnfinished(int index, Comparison targets, Unfinished why) {
    if (!verdicts.decided(index)) {
      GateRequest request = verdicts.request(index);
      verdicts.decide(
          index,
          b ->
              b.refuse(
                  Reason.TARGET_STILL_FAILING,
                  Refusals.targetsStillFailing(request, main, targets, why),
                  targets.brokenIds(),
                  List.of()));
    }
    return true;
  }

  private Comparison unlessFlaky(
      String commit, GateRequest request, Comparison breaks, int failed) {
    if (failed >= flakes.failuresNeeded()) {
      return breaks;
    }
    FlakeFilter.Result result =
        flakes.recheck(
            mirror, commit, request, breaks, failed, runName("recheck"), verdicts::countRun);
    verdicts.flaky(result.flaky());
    flaky.addAll(result.flaky());
    return result.comparison();
  }

  private List<Comparison> probe(List<Integer> prefixes) {
    return runs.atAll(prefixes.stream().map(chain::head).toList(), "prefix").stream()
        .map(run -> Comparison.of(expected.all(), run.timedOut() ? null : run.report()))
        .toList();
  }

  private String runName(String kind) {
    return first.repoId().value() + "-" + kind;
  }

  /** Where target tests were seen failing when their candidate is refused. */
  enum Unfinished {
    /** With the candidate merged alone onto main. */
    ALONE,
    /** With the batch; the candidate could not be merged alone onto main to tell more. */
    UNTESTED_ALONE,
    /**
     * With the candidates merged before it, though they pass with it alone: no one of those
     * candidates undoes them, so the candidate must work on a main that holds them.
     */
    WITH_EARLIER
  }
}
