package dev.fleetq.coordinator.suite;

import dev.fleetq.model.suite.SuiteResult;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The coordinator's side of suite runs: how many it sent to the executors, how many it waits on now
 * (the executors' autoscaling signal), how they ended, and the results it dropped. Thread-safe.
 */
public final class DispatchMetrics {
  private final Counter dispatches;
  private final Counter answers;
  private final Counter dropped;
  private final Gauge waiting;

  /** Registers the metrics in {@code registry}. */
  public DispatchMetrics(PrometheusRegistry registry) {
    this.dispatches =
        Counter.builder()
            .name("fleetq_suite_dispatches_total")
            .help(
                "Suite runs sent to the executors: first sends, and sends again after an executor died.")
            .labelNames("dispatch")
            .register(registry);
    this.answers =
        Counter.builder()
            .name("fleetq_suite_answers_total")
            .help(
                "Suite runs the coordinator waited on, by how they ended; UNANSWERED got no result.")
            .labelNames("outcome")
            .register(registry);
    this.dropped =
        Counter.builder()
            .name("fleetq_suite_results_dropped_total")
            .help(
                "Suite results nobody waited for (given up, answered twice) or that could not be read.")
            .register(registry);
    this.waiting =
        Gauge.builder()
            .name("fleetq_suite_runs_waiting")
            .help("Suite runs sent to the executors whose results the coordinator waits for now.")
            .register(registry);
    dispatches.initLabelValues("first");
    dispatches.initLabelValues("again");
    for (SuiteResult.Outcome outcome : SuiteResult.Outcome.values()) {
      answers.initLabelValues(outcome.name());
    }
    answers.initLabelValues("UNANSWERED");
    dropped.initLabelValues();
  }

  void dispatched(boolean first) {
    dispatches.labelValues(first ? "first" : "again").inc();
  }

  void waitStarted() {
    waiting.inc();
  }

  void waitEnded() {
    waiting.dec();
  }

  void answered(SuiteResult.Outcome outcome) {
    answers.labelValues(outcome.name()).inc();
  }

  void unanswered() {
    answers.labelValues("UNANSWERED").inc();
  }

  void stale() {
    dropped.inc();
  }
}
