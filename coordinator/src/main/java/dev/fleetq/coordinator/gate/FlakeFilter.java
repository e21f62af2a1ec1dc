package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells flaky tests from real breaks: when a merge regresses tests, it runs the suite again on the
 * same merge, up to a bounded number of times (the whole suite, because a test command cannot be
 * asked to run single tests). A regressed test that passes in one of those runs is flaky: it is
 * counted in the repository's flake counter in Redis, logged, named in the verdict, and does not
 * refuse anyone. A test that fails in every run is a real break.
 *
 * <p>Thread-safe and stateless apart from Redis; a call blocks while the suite runs.
 */
final class FlakeFilter {
  private static final Logger log = LoggerFactory.getLogger(FlakeFilter.class);

  private final SuiteRunner suites;
  private final GateLedger ledger;
  private final int reruns;

  FlakeFilter(SuiteRunner suites, GateLedger ledger, int reruns) {
    this.suites = suites;
    this.ledger = ledger;
    this.reruns = reruns;
  }

  /**
   * The comparison of the merge in {@code worktree} with its flaky tests taken out; the flaky tests
   * are recorded on {@code decision}.
   *
   * @param first the comparison of the run that found the regressions
   */
  Comparison recheck(
      Path worktree,
      GateRequest request,
      Set<String> baselinePassing,
      Comparison first,
      Decision.Builder decision,
      String runName) {
    Set<String> suspects = new LinkedHashSet<>(first.brokenIds());
    Set<String> flaky = new TreeSet<>();
    for (int rerun = 1; rerun <= reruns && !suspects.isEmpty(); rerun++) {
      SuiteRunner.Outcome run = suites.run(worktree, request.gate(), runName + "-rerun" + rerun);
      decision.countSuiteRun();
      if (run.timedOut() || run.report() == null) {
        break;
      }
      Set<String> passingNow = run.report().passing();
      for (String test : List.copyOf(suspects)) {
        if (passingNow.contains(test)) {
          suspects.remove(test);
          flaky.add(test);
        }
      }
    }
    for (String test : flaky) {
      record(request, test);
    }
    decision.flaky(List.copyOf(flaky));
    return first.withoutFlakes(flaky);
  }

  private void record(GateRequest request, String test) {
    long count;
    try {
      count = ledger.recordFlake(request.repoId(), test);
    } catch (RuntimeException e) {
      log.warn("Could not count the flake of {} in {}", test, request.repoId(), e);
      count = -1;
    }
    log.warn(
        "Test {} of {} failed with {} and passed when run again: flaky ({} times so far)",
        test,
        request.repoId(),
        request.key(),
        count < 0 ? "?" : count);
  }
}
