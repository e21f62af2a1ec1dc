package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.unit.Reason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many requests of each repository the gate merges and tests together, adapted Zuul's way: a
 * repository starts at {@code maxBatch}; its size grows by one after each batch that lands whole
 * and halves after one in which a suite run refused a candidate (a regression, a target still
 * failing, a removed test, a timeout), within {@code [minBatch, maxBatch]}. Refusals the checks
 * make before any run (a conflict, an out-of-scope change) do not count. After failures, smaller
 * batches keep a culprit from holding many good candidates through a bisection; a repository that
 * lands cleanly grows back to sharing one run among many. The size after each batch is written to
 * Redis (what {@code GET /v1/gate/{repoId}} shows as {@code batchSize}) and is the gauge {@code
 * fleetq_gate_batch_size_limit{repo}}; a change is logged.
 *
 * <p>Sizes live in this gate's memory: a repository whose partition moves to another coordinator
 * starts again at {@code maxBatch} there.
 *
 * <p>Thread-safe: the poll thread reads sizes while batch threads change them.
 */
final class BatchSizes {
  private static final Logger log = LoggerFactory.getLogger(BatchSizes.class);

  /** The refusals that a suite run made, which shrink the batch size. */
  static final Set<Reason> SUITE_REFUSALS =
      Set.of(Reason.REGRESSION, Reason.TARGET_STILL_FAILING, Reason.TEST_REMOVED, Reason.TIMED_OUT);

  private final int min;
  private final int max;
  private final GateLedger ledger;
  private final Map<String, Integer> sizes = new ConcurrentHashMap<>();

  BatchSizes(int min, int max, GateLedger ledger) {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException(
          "batch sizes must be 1 <= min <= max, got " + min + ".." + max);
    }
    this.min = min;
    this.max = max;
    this.ledger = ledger;
  }

  /** The largest size any repository may have. */
  int max() {
    return max;
  }

  /** The repository's batch size; {@code repo} is its id as the gate topic's record key. */
  int of(String repo) {
    return sizes.getOrDefault(repo, max);
  }

  /** The batch sizes by repository, for the gauge. */
  Map<String, Integer> all() {
    return Map.copyOf(sizes);
  }

  /** Adapts the repository's size to a decided batch's verdicts, and returns the new size. */
  int decided(RepoId repo, List<GateVerdict> verdicts) {
    boolean failed =
        verdicts.stream()
            .anyMatch(
                v ->
                    v.outcome() == GateVerdict.Outcome.REFUSED
                        && SUITE_REFUSALS.contains(v.reason()));
    boolean whole = verdicts.stream().allMatch(v -> v.outcome() != GateVerdict.Outcome.REFUSED);
    int before = of(repo.value());
    int after = failed ? Math.max(min, before / 2) : whole ? Math.min(max, before + 1) : before;
    sizes.put(repo.value(), after);
    if (after != before) {
      log.info(
          "Batch size of {}: {} -> {} ({})",
          repo,
          before,
          after,
          failed ? "a run refused a candidate" : "the batch landed whole");
    }
    try {
      ledger.recordBatchSize(repo, after);
    } catch (RuntimeException e) {
      log.warn("Could not record the batch size of {} in Redis", repo, e);
    }
    return after;
  }
}
