package dev.fleetq.coordinator.gate;

/**
 * What a batch knows of its chain, and how much of it its next suite run tests, so that dense
 * culprits cost no more than testing one candidate at a time. It keeps the known-good prefix: the
 * candidates, from the chain's start, that main plus them is known to meet the expectations with; a
 * refused candidate leaves the chain, and those before it keep their places.
 *
 * <p>A batch starts sparse: each run tests the whole chain, and a failure is bisected, which finds
 * culprits that break different tests in about log2 n runs each, sharing runs. Culprits are dense
 * when the failed runs are at least one in {@value #DENSE} of the candidates decided so far (the
 * known-good prefix and every refused candidate): each failed run finds at least one culprit, and a
 * bisection finds only the first of several that break the same test, so this estimates how often a
 * candidate is a culprit. Halving a long chain to find each of many culprits costs more than a run
 * per candidate, so from then on the batch gallops (an exponential search, in the spirit of Hwang's
 * generalized binary splitting): each run tests a group past the known-good prefix, 1 candidate
 * after a failure and twice as many after each group that passes, and a failed group is bisected
 * within itself only.
 *
 * <p>A failed run counts towards its culprit's flake re-runs (see {@link FlakeFilter}), so a
 * culprit found by a group of 1 costs what one at a time pays for it. When every candidate breaks
 * the same test, the first culprit costs the whole chain's run and its halving, about {@code log2 n
 * - flakeReruns} runs more than one at a time, and each later one costs what one at a time pays;
 * when culprits are sparse the batch costs far fewer runs (GateEconomyBenchmark has the numbers).
 *
 * <p>Not thread-safe; one per batch decision.
 */
final class Splitting {
  /** Culprits are dense from one failed run in this many decided candidates. */
  static final int DENSE = 4;

  private int knownGood;
  private int failedRuns;
  private int refused;
  private boolean dense;
  private int group = 1;

  /** How many candidates from the chain's start are known to be good; 0 for main alone. */
  int knownGood() {
    return knownGood;
  }

  /** The prefix the next run tests, of a chain of {@code size}. */
  int end(int size) {
    return dense ? Math.min(size, knownGood + group) : size;
  }

  /** The run on prefix {@code end} met the expectations. */
  void passed(int end) {
    knownGood = end;
    group *= 2;
  }

  /**
   * The run failed: {@code firstFailing} is the first prefix that fails a test or whose candidate
   * was refused, so every prefix below it is good, and {@code refusedNow} candidates were refused.
   */
  void failed(int firstFailing, int refusedNow) {
    knownGood = firstFailing - 1;
    failedRuns++;
    refused += refusedNow;
    if (failedRuns * DENSE >= knownGood + refused) {
      dense = true;
    }
    group = 1;
  }
}
