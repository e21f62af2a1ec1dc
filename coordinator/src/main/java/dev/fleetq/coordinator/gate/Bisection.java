package dev.fleetq.coordinator.gate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds which candidates of a merged batch break which tests. The batch is a chain of merges onto
 * main, one per candidate; prefix {@code k} is main with the first {@code k} candidates merged. A
 * test is expected to pass from some prefix on: a test that passes on main from prefix 0, the
 * target test of the {@code k}-th candidate from prefix {@code k}. The whole chain fails it, so a
 * binary search over the prefixes from there finds the first one that fails it: for a test that
 * passed on main, the candidate whose merge breaks it (its culprit); for a target test, its own
 * candidate when that prefix already fails it, or the later candidate that undid it. One suite run
 * answers for every test at once, so the searches of tests broken by different candidates share
 * runs while their intervals overlap; each run halves the widest interval left. With a width of
 * {@code w}, {@code w} runs at once split it into {@code w + 1} parts: more runs, fewer steps.
 *
 * <p>Not thread-safe; one per search.
 */
final class Bisection {
  private final Map<String, Integer> passesUpTo = new LinkedHashMap<>();
  private final Map<String, Integer> failsFrom = new LinkedHashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Map<Integer, Comparison> runs = new HashMap<>();

  /**
   * @param size how many candidates the chain holds
   * @param whole the comparison of the whole chain, whose regressions are searched
   * @param expectedFrom the prefix from which a test is expected to pass, for those that are not
   *     expected from prefix 0 on
   * @param knownGood a prefix already known to pass every expected test (0 for main alone), which
   *     the search does not probe again
   */
  Bisection(int size, Comparison whole, Map<String, Integer> expectedFrom, int knownGood) {
    runs.put(size, whole);
    for (String test : whole.brokenIds()) {
      // A test expected from prefix k is searched as if prefix k - 1 passed it: if k fails it too,
      // the search ends at k.
      passesUpTo.put(test, Math.max(knownGood, expectedFrom.getOrDefault(test, 0) - 1));
      failsFrom.put(test, size);
      failures.put(test, 1);
    }
  }

  /**
   * Runs the search.
   *
   * @param width how many prefixes one step may probe at once: 1 halves the widest interval; more
   *     split it into {@code width + 1} parts, trading suite runs for fewer steps
   * @param probe runs the suite on each of some prefixes of the chain, at once, and compares each
   *     with the baseline, in the order given
   */
  Bisection search(int width, Function<List<Integer>, List<Comparison>> probe) {
    List<Integer> next;
    while (!(next = next(width)).isEmpty()) {
      List<Comparison> probed = probe.apply(next);
      for (int i = 0; i < next.size(); i++) {
        record(next.get(i), probed.get(i));
      }
    }
    return this;
  }

  private void record(int prefix, Comparison run) {
    runs.put(prefix, run);
    List<String> broken = run.brokenIds();
    for (String test : passesUpTo.keySet()) {
      if (passesUpTo.get(test) < prefix && prefix < failsFrom.get(test)) {
        if (broken.contains(test)) {
          failsFrom.put(test, prefix);
          failures.merge(test, 1, Integer::sum);
        } else {
          passesUpTo.put(test, prefix);
        }
      }
    }
  }

  /**
   * The prefixes the next step probes, in ascending order: the widest interval left split into up
   * to {@code width + 1} equal parts; empty when every test's interval is down to one candidate.
   */
  private List<Integer> next(int width) {
    String widest = widest();
    if (widest == null) {
      return List.of();
    }
    int from = passesUpTo.get(widest);
    int gap = failsFrom.get(widest) - from;
    int parts = Math.min(width, gap - 1) + 1;
    List<Integer> prefixes = new ArrayList<>();
    for (int part = 1; part < parts; part++) {
      prefixes.add(from + part * gap / parts);
    }
    return prefixes;
  }

  /**
   * The regressed tests by the first prefix that fails them (1 is the first candidate's merge): for
   * a test expected from prefix 0, the prefix whose last candidate breaks it.
   */
  Map<Integer, List<String>> culprits() {
    Map<Integer, List<String>> culprits = new LinkedHashMap<>();
    failsFrom.forEach(
        (test, prefix) -> culprits.computeIfAbsent(prefix, p -> new ArrayList<>()).add(test));
    return culprits;
  }

  /** How many runs saw the test fail. */
  int failures(String test) {
    return failures.get(test);
  }

  /** The comparison of the run on {@code prefix}. */
  Comparison run(int prefix) {
    return runs.get(prefix);
  }

  private String widest() {
    String widest = null;
    int width = 1;
    for (String test : passesUpTo.keySet()) {
      int gap = failsFrom.get(test) - passesUpTo.get(test);
      if (gap > width) {
        widest = test;
        width = gap;
      }
    }
    return widest;
  }
}
