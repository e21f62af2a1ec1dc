package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The gate's metrics, in the coordinator's registry: verdicts by outcome ({@code LANDED}, {@code
 * SUPERSEDED} or the refusal's reason), landings, supersessions and refusals per worker (the gate
 * alone knows them, so it counts them for the worker that pushed: {@code
 * fleetq_units_landed_total{worker}} is the fleet's throughput per agent), suite runs, flaky tests,
 * batch sizes and the queue's depth. A request decided without an event (a duplicate for a unit
 * another owner landed) is not counted. Labels are worker ids and enum names, never unit ids.
 *
 * <p>Thread-safe.
 */
final class GateMetrics {
  private static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64};

  private final PrometheusRegistry registry;
  private final Counter verdicts;
  private final Counter landed;
  private final Counter superseded;
  private final Counter refused;
  private final Counter suiteRuns;
  private final Counter flakes;
  private final Counter revoked;
  private final Histogram batchSize;
  private final Counter branchDeletions;

  GateMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    this.verdicts =
        Counter.builder()
            .name("fleetq_gate_verdicts_total")
            .help("Gate verdicts by outcome: LANDED, SUPERSEDED, or the reason of the refusal.")
            .labelNames("outcome")
            .register(registry);
    this.landed =
        Counter.builder()
            .name("fleetq_units_landed_total")
            .help("Units the gate landed on main, by the worker that pushed them.")
            .labelNames("worker")
            .register(registry);
    this.revoked =
        Counter.builder()
            .name("fleetq_gate_partitions_revoked_total")
            .help(
                "Gate partitions (repositories) this gate handed over in a rebalance: another gate"
                    + " joined or left its group; each one pauses those repositories' gating.")
            .register(registry);
    this.superseded =
        Counter.builder()
            .name("fleetq_units_superseded_total")
            .help(
                "Units whose candidate changed nothing on a main that already passes their targets,"
                    + " by the worker that pushed them: work another unit's landing did.")
            .labelNames("worker")
            .register(registry);
    this.refused =
        Counter.builder()
            .name("fleetq_units_refused_total")
            .help("Candidates the gate refused, by the worker that pushed them and the reason.")
            .labelNames("worker", "reason")
            .register(registry);
    this.suiteRuns =
        Counter.builder()
            .name("fleetq_gate_suite_runs_total")
            .help("Runs of a repository's test suite by the gate, re-runs and bisection included.")
            .register(registry);
    this.flakes =
        Counter.builder()
            .name("fleetq_gate_flakes_total")
            .help("Tests that failed on a candidate and passed when run again: flaky, not blamed.")
            .register(registry);
    this.batchSize =
        Histogram.builder()
            .name("fleetq_gate_batch_size")
            .help("How many requests of one repository the gate decided together.")
            .classicOnly()
            .classicUpperBounds(BATCH_BOUNDS)
            .register(registry);
    this.branchDeletions =
        Counter.builder()
            .name("fleetq_gate_branches_deleted_total")
            .help(
                "Candidate branches the gate deleted from the origin after their verdict, and those"
                    + " it could not delete.")
            .labelNames("outcome")
            .register(registry);
    branchDeletions.initLabelValues("deleted");
    branchDeletions.initLabelValues("failed");
    verdicts.initLabelValues(GateVerdict.Outcome.LANDED.name());
    verdicts.initLabelValues(GateVerdict.Outcome.SUPERSEDED.name());
    suiteRuns.initLabelValues();
    flakes.initLabelValues();
  }

  /** Reports {@code depth}, read at each scrape, as the gate's queue depth. */
  void watchQueue(IntSupplier depth) {
    GaugeWithCallback.builder()
        .name("fleetq_gate_queue_depth")
        .help("Gate requests this gate has read and not yet decided, of every repository.")
        .callback(callback -> callback.call(depth.getAsInt()))
        .register(registry);
  }

  /** Reports how many gate partitions this gate owns, read at each scrape. */
  void watchPartitions(IntSupplier owned) {
    GaugeWithCallback.builder()
        .name("fleetq_gate_partitions")
        .help("Gate partitions (each holding some repositories) this gate owns now.")
        .callback(callback -> callback.call(owned.getAsInt()))
        .register(registry);
  }

  /** Reports each repository's batch size, read at each scrape. */
  void watchBatchSizes(Supplier<Map<String, Integer>> sizes) {
    GaugeWithCallback.builder()
        .name("fleetq_gate_batch_size_limit")
        .help("How many requests of the repository the gate merges and tests together at most now.")
        .labelNames("repo")
        .callback(callback -> sizes.get().forEach((repo, size) -> callback.call(size, repo)))
        .register(registry);
  }

  void verdict(GateRequest request, GateVerdict verdict) {
    String worker = request.worker().value();
    switch (verdict.outcome()) {
      case LANDED -> {
        verdicts.labelValues(GateVerdict.Outcome.LANDED.name()).inc();
        landed.labelValues(worker).inc();
      }
      case SUPERSEDED -> {
        verdicts.labelValues(GateVerdict.Outcome.SUPERSEDED.name()).inc();
        superseded.labelValues(worker).inc();
      }
      case REFUSED -> {
        verdicts.labelValues(verdict.reason().name()).inc();
        refused.labelValues(worker, verdict.reason().name()).inc();
      }
    }
  }

  void suiteRan() {
    suiteRuns.inc();
  }

  void flaky() {
    flakes.inc();
  }

  void branchesDeleted(int count, boolean deleted) {
    branchDeletions.labelValues(deleted ? "deleted" : "failed").inc(count);
  }

  void batch(int size) {
    batchSize.observe(size);
  }

  /** Counts partitions this gate handed over in a rebalance. */
  void revoked(int partitions) {
    revoked.inc(partitions);
  }
}
