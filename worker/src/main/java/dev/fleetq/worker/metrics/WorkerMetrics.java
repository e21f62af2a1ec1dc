package dev.fleetq.worker.metrics;

import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.suite.SuiteResult;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.worker.claim.ClaimOutcome.SkipReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * A worker's Prometheus metrics, each labelled with the worker's id ({@code worker}) and nothing
 * unbounded (reasons and outcomes are enums, never unit or job ids). Landings and the gate's
 * refusals are counted by the gate, which alone knows them, under the same {@code worker} label
 * ({@code fleetq_units_landed_total}, {@code fleetq_units_refused_total}); a worker counts what it
 * sees: claims, skips, pushes, attempts that ended without a push, and the time each step took;
 * and, for its suite executor, the suite runs by outcome, how long their commands ran and how many
 * run now.
 *
 * <p>Thread-safe: the take loop and every slot thread record concurrently.
 */
public final class WorkerMetrics {
  /** Bounds of the unit-duration and agent-run histograms, in seconds: agents take minutes. */
  static final double[] RUN_BOUNDS = {1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200};

  /** Bounds of the claim-latency histogram, in seconds: from published to claimed. */
  static final double[] LATENCY_BOUNDS = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600
  };

  private final String worker;
  private final Counter claimed;
  private final Counter skipped;
  private final Counter pushed;
  private final Counter failed;
  private final Histogram claimLatency;
  private final Histogram unitDuration;
  private final Histogram agentRun;
  private final Counter suiteRuns;
  private final Histogram suiteRun;
  private final Gauge suiteSlotsBusy;

  /** The {@code outcome} of a suite request that was skipped because its lease was held. */
  public static final String DUPLICATE = "DUPLICATE";

  /**
   * Registers the worker's metrics in {@code registry}, which must hold no other worker's.
   *
   * @param slots how many slots the worker has
   * @param busySlots how many of them run an attempt now; read at each scrape
   */
  public WorkerMetrics(
      PrometheusRegistry registry, WorkerId worker, int slots, IntSupplier busySlots) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(busySlots, "busySlots");
    this.worker = worker.value();
    this.claimed =
        counter("fleetq_units_claimed_total", "Units this worker claimed.").register(registry);
    this.skipped =
        counter(
                "fleetq_deliveries_skipped_total",
                "Unit deliveries skipped: lease held elsewhere or by the previous attempt (delivered"
                    + " again), a newer attempt, landed or finished.")
            .labelNames("worker", "reason")
            .register(registry);
    this.pushed =
        counter("fleetq_units_pushed_total", "Attempts that pushed a candidate to the gate.")
            .register(registry);
    this.failed =
        counter(
                "fleetq_attempts_failed_total",
                "Attempts that ended without a push, by reason (AGENT_FAILED, TIMED_OUT, ...).")
            .labelNames("worker", "reason")
            .register(registry);
    this.claimLatency =
        histogram(
                "fleetq_claim_latency_seconds",
                "From a unit's publication to its claim by this worker.",
                LATENCY_BOUNDS)
            .register(registry);
    this.unitDuration =
        histogram(
                "fleetq_unit_duration_seconds",
                "From claim to the end of the attempt, by outcome: pushed or failed.",
                RUN_BOUNDS)
            .labelNames("worker", "outcome")
            .register(registry);
    this.agentRun =
        histogram("fleetq_agent_run_seconds", "How long the agent command ran.", RUN_BOUNDS)
            .register(registry);
    this.suiteRuns =
        counter(
                "fleetq_suite_runs_total",
                "Suite requests by outcome: REPORTED, TIMED_OUT, NO_REPORT, CHECKOUT_FAILED, or"
                    + " DUPLICATE when another executor held the run's lease.")
            .labelNames("worker", "outcome")
            .register(registry);
    this.suiteRun =
        histogram(
                "fleetq_suite_run_seconds",
                "How long the test command of a suite run ran (its result's took).",
                RUN_BOUNDS)
            .register(registry);
    this.suiteSlotsBusy =
        Gauge.builder()
            .name("fleetq_suite_slots_busy")
            .help("Suite slots running a suite now.")
            .labelNames("worker")
            .register(registry);
    GaugeWithCallback.builder()
        .name("fleetq_worker_slots")
        .help("Units this worker can work on at once.")
        .labelNames("worker")
        .callback(callback -> callback.call(slots, this.worker))
        .register(registry);
    GaugeWithCallback.builder()
        .name("fleetq_worker_busy_slots")
        .help("Slots running an attempt now.")
        .labelNames("worker")
        .callback(callback -> callback.call(busySlots.getAsInt(), this.worker))
        .register(registry);
    claimed.initLabelValues(this.worker);
    pushed.initLabelValues(this.worker);
    for (SuiteResult.Outcome outcome : SuiteResult.Outcome.values()) {
      suiteRuns.initLabelValues(this.worker, outcome.name());
    }
    suiteRuns.initLabelValues(this.worker, DUPLICATE);
    suiteSlotsBusy.labelValues(this.worker).set(0);
  }

  /** A unit was claimed {@code latency} after it was published. */
  public void claimed(Duration latency) {
    claimed.labelValues(worker).inc();
    claimLatency.labelValues(worker).observe(seconds(latency));
  }

  /** A delivery was skipped for {@code reason}. */
  public void skipped(SkipReason reason) {
    skipped.labelValues(worker, reason.name()).inc();
  }

  /** How many deliveries this worker skipped for {@code reason}. */
  public long skips(SkipReason reason) {
    return (long) skipped.labelValues(worker, reason.name()).get();
  }

  /** An agent ran for {@code duration}. */
  public void agentRan(Duration duration) {
    agentRun.labelValues(worker).observe(seconds(duration));
  }

  /** An attempt pushed its candidate {@code duration} after its claim. */
  public void pushed(Duration duration) {
    pushed.labelValues(worker).inc();
    unitDuration.labelValues(worker, "pushed").observe(seconds(duration));
  }

  /**
   * An attempt ended before any work, {@code duration} after its claim, because main already passes
   * its target tests; counted in the unit duration histogram as outcome {@code superseded}.
   */
  public void superseded(Duration duration) {
    unitDuration.labelValues(worker, "superseded").observe(seconds(duration));
  }

  /** An attempt ended without a push, for {@code reason}, {@code duration} after its claim. */
  public void failed(Reason reason, Duration duration) {
    failed.labelValues(worker, reason.name()).inc();
    unitDuration.labelValues(worker, "failed").observe(seconds(duration));
  }

  /** A suite slot began a run. */
  public void suiteStarted() {
    suiteSlotsBusy.labelValues(worker).inc();
  }

  /** A suite slot's run ended, with a result or handed back. */
  public void suiteEnded() {
    suiteSlotsBusy.labelValues(worker).dec();
  }

  /** A suite run ended with {@code outcome}, its command having run for {@code took}. */
  public void suiteRan(SuiteResult.Outcome outcome, Duration took) {
    suiteRuns.labelValues(worker, outcome.name()).inc();
    suiteRun.labelValues(worker).observe(seconds(took));
  }

  /** A suite request was skipped: another executor holds its lease. */
  public void suiteDuplicate() {
    suiteRuns.labelValues(worker, DUPLICATE).inc();
  }

  /** How many suite requests ended with {@code outcome}, or {@link #DUPLICATE}. */
  public long suiteRuns(String outcome) {
    return (long) suiteRuns.labelValues(worker, outcome).get();
  }

  private static Counter.Builder counter(String name, String help) {
    return Counter.builder().name(name).help(help).labelNames("worker");
  }

  private static Histogram.Builder histogram(String name, String help, double[] bounds) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .classicOnly()
        .classicUpperBounds(bounds)
        .labelNames("worker");
  }

  private static double seconds(Duration duration) {
    return Math.max(0, duration.toNanos()) / 1e9;
  }
}
