package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells flaky tests from real breaks: a regressed test must fail in {@code 1 + reruns} runs of the
 * same merge before it blames anyone. The suite runs again on the merge as often as needed (the
 * whole suite, because a test command cannot be asked to run single tests). A regressed test that
 * passes in one of those runs is flaky: it is counted in the repository's flake counter in Redis,
 * logged, named in the verdict, and does not refuse anyone.
 *
 * <p>Thread-safe and stateless apart from Redis; a call blocks while the suite runs.
 */
final class FlakeFilter {
  private static final Logger log = LoggerFactory.getLogger(FlakeFilter.class);

  private final SuiteRunner suites;
  private final GateLedger ledger;
  private final int reruns;
  private final GateMetrics metrics;

  FlakeFilter(SuiteRunner suites, GateLedger ledger, int reruns, GateMetrics metrics) {
    this.suites = suites;
    this.ledger = ledger;
    this.reruns = reruns;
    this.metrics = metrics;
  }

  /** How many runs must see a test fail before it counts as broken. */
  int failuresNeeded() {
    return 1 + reruns;
  }

  /**
   * Runs the suite on the merge {@code commit} of {@code mirror} again until every regression of
   * {@code first} has failed {@link #failuresNeeded()} times or passed once.
   *
   * @param failed how many runs already saw the regressions of {@code first} fail
   * @param countRun called for each suite run
   */
  Result recheck(
      RepoMirror mirror,
      String commit,
      GateRequest request,
      Comparison first,
      int failed,
      String runName,
      Runnable countRun) {
    Set<String> suspects = new LinkedHashSet<>(first.brokenIds());
    Set<String> flaky = new TreeSet<>();
    for (int rerun = failed; rerun < failuresNeeded() && !suspects.isEmpty(); rerun++) {
      SuiteRunner.Outcome run = suites.run(mirror, commit, request, runName + "-rerun" + rerun);
      countRun.run();
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
    flaky.forEach(test -> record(request, test));
    return new Result(first.withoutFlakes(flaky), List.copyOf(flaky));
  }

  private void record(GateRequest request, String test) {
    metrics.flaky();
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

  /**
   * @param comparison the comparison without the flaky tests
   * @param flaky the tests that failed and then passed
   */
  record Result(Comparison comparison, List<String> flaky) {}
}
