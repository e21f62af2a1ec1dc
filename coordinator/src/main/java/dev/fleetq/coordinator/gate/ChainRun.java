package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.unit.Reason;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One test of a chain of candidates merged onto main (see {@link BatchGate}): the whole chain,
 * then, on a regression, the {@link Bisection}, the flake checks of each break, and the culprits'
 * refusals. Not thread-safe; one per test of a chain.
 */
final class ChainRun {
  private final SuiteRunner suites;
  private final FlakeFilter flakes;
  private final Verdicts verdicts;
  private final RepoMirror mirror;
  private final String main;
  private final BatchGate.Chain chain;
  private final Set<String> baseline;
  private final GateRequest first;

  ChainRun(
      SuiteRunner suites,
      FlakeFilter flakes,
      Verdicts verdicts,
      RepoMirror mirror,
      String main,
      BatchGate.Chain chain,
      Set<String> baseline) {
    this.suites = suites;
    this.flakes = flakes;
    this.verdicts = verdicts;
    this.mirror = mirror;
    this.main = main;
    this.chain = chain;
    this.baseline = baseline;
    this.first = verdicts.request(chain.members().get(0));
  }

  /** The chain's comparison when it may land; empty when it refused some of its candidates. */
  Optional<Comparison> test(Path worktree) {
    SuiteRunner.Outcome run = suites.run(worktree, first.gate(), runName("batch"));
    verdicts.countRun();
    if (run.timedOut()) {
      String detail =
          "With the candidate merged, the test command ran past its timeout of "
              + first.gate().timeout()
              + ". Its last lines:\n"
              + run.logTail();
      chain.members().forEach(i -> verdicts.decide(i, b -> b.refuse(Reason.TIMED_OUT, detail)));
      return Optional.empty();
    }
    Comparison whole = Comparison.of(baseline, run.report());
    if (!whole.hasRegressions()) {
      return Optional.of(whole);
    }
    Bisection bisection = new Bisection(chain.size(), whole).search(this::probe);
    Set<String> flaky = new HashSet<>();
    boolean blamed = false;
    for (Map.Entry<Integer, List<String>> culprit : bisection.culprits().entrySet()) {
      int prefix = culprit.getKey();
      int index = chain.members().get(prefix - 1);
      GateRequest request = verdicts.request(index);
      Comparison breaks = bisection.run(prefix).onlyBreaking(Set.copyOf(culprit.getValue()));
      int failed = culprit.getValue().stream().mapToInt(bisection::failures).min().orElse(0);
      if (failed < flakes.failuresNeeded()) {
        try (RepoMirror.Scratch again = mirror.scratch(chain.head(prefix), "recheck")) {
          FlakeFilter.Result result =
              flakes.recheck(
                  again.dir(), request, breaks, failed, runName("recheck"), verdicts::countRun);
          verdicts.flaky(result.flaky());
          flaky.addAll(result.flaky());
          breaks = result.comparison();
        }
      }
      if (breaks.hasRegressions()) {
        Comparison blame = breaks;
        verdicts.decide(
            index,
            b ->
                b.refuse(
                    blame.removesTests() ? Reason.TEST_REMOVED : Reason.REGRESSION,
                    Refusals.regression(request, main, blame, run),
                    blame.brokenIds(),
                    blame.fixed()));
        blamed = true;
      }
    }
    return blamed ? Optional.empty() : Optional.of(whole.withoutFlakes(flaky));
  }

  private Comparison probe(int prefix) {
    try (RepoMirror.Scratch scratch = mirror.scratch(chain.head(prefix), "prefix")) {
      SuiteRunner.Outcome run = suites.run(scratch.dir(), first.gate(), runName("prefix"));
      verdicts.countRun();
      return Comparison.of(baseline, run.timedOut() ? null : run.report());
    }
  }

  private String runName(String kind) {
    return first.repoId().value() + "-" + kind;
  }
}
