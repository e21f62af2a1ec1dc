package dev.fleetq.coordinator.metrics;

import dev.fleetq.model.unit.UnitStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics of the coordinator's core, in one registry per coordinator: jobs accepted, units
 * published (first attempts and retries), dead-lettered records by the component that refused them,
 * leases found expired, and the units not yet finished by status. The gate registers its own in the
 * same registry. Labels are enums or component names, never job or unit ids.
 *
 * <p>{@code fleetq_units_pending} is what autoscalers read, so exactly one coordinator reports it:
 * the lease reaper's leader, which scans the projection anyway; the others report no series, and
 * {@code sum(fleetq_units_pending)} is right however many coordinators run.
 *
 * <p>Thread-safe.
 */
public final class CoordinatorMetrics {
  private final PrometheusRegistry registry;
  private final Counter jobsSubmitted;
  private final Counter unitsPublished;
  private final Counter deadLetters;
  private final Counter leaseExpirations;
  private final Counter apiRefusals;
  private final Counter redisRebuilds;
  private final Gauge pending;

  /** Registers the core's metrics in {@code registry}, which must hold no other coordinator's. */
  public CoordinatorMetrics(PrometheusRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.jobsSubmitted =
        Counter.builder()
            .name("fleetq_jobs_submitted_total")
            .help("Jobs accepted by intake (a replayed record counts once).")
            .register(registry);
    this.unitsPublished =
        Counter.builder()
            .name("fleetq_units_published_total")
            .help(
                "Unit attempts published to the units topic: first attempts, retries, and"
                    + " redeliveries of an attempt whose record was taken and not claimed.")
            .labelNames("kind")
            .register(registry);
    this.deadLetters =
        Counter.builder()
            .name("fleetq_dead_letters_total")
            .help("Records moved to the dead-letter topic, by the component that refused them.")
            .labelNames("rejected_by")
            .register(registry);
    this.leaseExpirations =
        Counter.builder()
            .name("fleetq_lease_expirations_total")
            .help("Units handed back because their worker's lease expired.")
            .register(registry);
    this.apiRefusals =
        Counter.builder()
            .name("fleetq_api_unauthorized_total")
            .help("HTTP API requests refused 401: no bearer token, or one the API does not accept.")
            .register(registry);
    this.redisRebuilds =
        Counter.builder()
            .name("fleetq_redis_rebuilds_total")
            .help("Times this coordinator found that Redis had lost its data and rebuilt it.")
            .register(registry);
    this.pending =
        Gauge.builder()
            .name("fleetq_units_pending")
            .help("Units of running jobs that have not finished, by status (reaper leader only).")
            .labelNames("status")
            .register(registry);
    jobsSubmitted.initLabelValues();
    apiRefusals.initLabelValues();
    redisRebuilds.initLabelValues();
    unitsPublished.initLabelValues("first");
    unitsPublished.initLabelValues("retry");
    unitsPublished.initLabelValues("redelivery");
  }

  /** The registry every metric of this coordinator is in, gate included. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Intake accepted a job. */
  public void jobSubmitted() {
    jobsSubmitted.inc();
  }

  /** The publisher sent attempt {@code attempt} of a unit. */
  public void unitPublished(int attempt) {
    unitsPublished.labelValues(attempt == 1 ? "first" : "retry").inc();
  }

  /** The reaper sent an attempt again whose record a worker took and did not claim. */
  public void unitRedelivered() {
    unitsPublished.labelValues("redelivery").inc();
  }

  /** The projector found Redis without its data and rebuilt it from Kafka. */
  public void redisRebuilt() {
    redisRebuilds.inc();
  }

  /** {@code rejectedBy} dead-lettered a record. */
  public void deadLettered(String rejectedBy) {
    deadLetters.labelValues(rejectedBy).inc();
  }

  /** The HTTP API refused a request for want of an accepted token. */
  public void apiRefused() {
    apiRefusals.inc();
  }

  /** The reaper handed back a unit whose lease had expired. */
  public void leaseExpired() {
    leaseExpirations.inc();
  }

  /**
   * Reports the unfinished units of running jobs by status, every unfinished status included (zero
   * when none), replacing the last report.
   */
  public void pending(Map<UnitStatus, Integer> byStatus) {
    for (UnitStatus status : UnitStatus.values()) {
      if (!status.isTerminal()) {
        pending.labelValues(status.name()).set(byStatus.getOrDefault(status, 0));
      }
    }
  }

  /** Reports no pending units at all: this coordinator is not the one that counts them. */
  public void notCountingPending() {
    pending.clear();
  }
}
