package dev.fleetq.coordinator;

import dev.fleetq.coordinator.intake.JobIntake;
import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.KafkaClients;
import dev.fleetq.coordinator.kafka.RecordLoop;
import dev.fleetq.coordinator.kafka.Sender;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.coordinator.plan.Planner;
import dev.fleetq.coordinator.publish.UnitPublisher;
import dev.fleetq.coordinator.reap.LeaseReaper;
import dev.fleetq.coordinator.setup.KafkaProvisioner;
import dev.fleetq.coordinator.state.JobStates;
import dev.fleetq.coordinator.state.Projector;
import dev.fleetq.coordinator.state.RedisRecovery;
import dev.fleetq.coordinator.suite.DispatchMetrics;
import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.exec.git.Git;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's core, wired and run as one: Kafka setup, job intake, planner, unit publisher,
 * event projector and lease reaper, plus any {@link Extension}s (the CI gate, the HTTP API) that
 * the deployable adds. {@link #start()} provisions the topics and starts the parts in dependency
 * order; {@link #close()} stops them in reverse, each within the shutdown timeout: extensions, then
 * intake (no new jobs; planning in hand finishes or fails its job), the reaper (gives its lease
 * up), the projector, and finally the Kafka and Redis clients.
 *
 * <p>A deployable runs the whole coordinator, gate and HTTP API included, as one:
 *
 * <pre>{@code
 * Coordinator coordinator =
 *     Coordinator.create(
 *         config,
 *         Clock.systemUTC(),
 *         List.of(
 *             MergeGate.extension(GateConfig.defaults()),
 *             HttpApi.extension(ApiConfig.defaults("0.0.0.0", ApiConfig.DEFAULT_PORT))));
 * coordinator.start();
 * }</pre>
 *
 * <p>Thread-safe: start and close may be called from any thread, once each; {@link #readiness()}
 * and {@link #isReady()} from any thread at any time.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  private static final Git.Identity IDENTITY =
      new Git.Identity("fleetq coordinator", "coordinator@fleetq.invalid");

  private final CoordinatorConfig config;
  private final Clock clock;
  private final List<Extension> extensions;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Admin admin;
  private final RedissonClient redis;
  private final Services services;
  private final ReadinessProbe probe;
  private final JobIntake intake;
  private final Projector projector;
  private final LeaseReaper reaper;
  private final SuiteDispatcher suites;
  private final Deque<AutoCloseable> startedExtensions = new ArrayDeque<>();

  private volatile boolean running;
  private volatile boolean closed;

  /**
   * Something the deployable runs alongside the core, such as the CI gate or the HTTP API, with the
   * core's shared clients; closed before the core, in reverse order of starting. Extensions that
   * join no consumer group (the HTTP API) start first, before the core's consumers, so that a start
   * that fails on them (a port in use) leaves every consumer group of a running fleet untouched;
   * the others start after the core, in list order.
   */
  @FunctionalInterface
  public interface Extension {
    /**
     * Starts the extension.
     *
     * @return what stops it; its {@code close()} must be bounded
     */
    AutoCloseable start(Services services) throws Exception;

    /** Whether it joins a consumer group when it starts; true unless it says otherwise. */
    default boolean joinsGroups() {
      return true;
    }
  }

  /**
   * What the core shares with its extensions. The clients belong to the coordinator, which closes
   * them; extensions must not.
   *
   * @param config the coordinator's configuration, including topic and key names
   * @param clock the clock every component reads time from
   * @param redis the Redisson client
   * @param sender sends records through the shared idempotent producer, waiting for the ack
   * @param events emits unit and job events (the gate's {@code GATING}, {@code LANDED}, {@code
   *     RETRYING}; the API's {@code JobEvent(CANCELLED)})
   * @param deadLetters sets aside records that cannot be handled, such as unreadable gate requests
   * @param jobStates the projection's read side
   * @param suites hands the job's test commands to the fleet's executors: the coordinator runs none
   *     itself
   * @param readiness probes whether the coordinator is ready, and says what is not, for {@code
   *     /readyz}; blocks for up to about the probe timeout
   * @param metrics the core's metrics, and the registry where extensions register theirs
   */
  public record Services(
      CoordinatorConfig config,
      Clock clock,
      RedissonClient redis,
      Sender sender,
      EventLog events,
      DeadLetters deadLetters,
      JobStates jobStates,
      SuiteDispatcher suites,
      Supplier<Readiness> readiness,
      CoordinatorMetrics metrics) {}

  private Coordinator(CoordinatorConfig config, Clock clock, List<Extension> extensions) {
    this.config = config;
    this.clock = clock;
    this.extensions = List.copyOf(extensions);
    this.redis = RedisClients.connect(config);
    this.producer = KafkaClients.producer(config, "fleetq-coordinator");
    this.admin = KafkaClients.admin(config, "fleetq-coordinator-admin");
    CoordinatorMetrics metrics = new CoordinatorMetrics(new PrometheusRegistry());
    Sender sender = new Sender(producer, config.kafkaTimeout());
    EventLog events = new EventLog(sender, config.topics());
    DeadLetters deadLetters = new DeadLetters(sender, config.topics(), metrics);
    this.suites =
        new SuiteDispatcher(
            sender,
            KafkaClients.reader(config, "fleetq-coordinator-suites"),
            redis,
            config.topics(),
            config.keys(),
            SuiteDispatcher.Settings.DEFAULT,
            new DispatchMetrics(metrics.registry()),
            clock);
    JobStates jobStates = new JobStates(redis, config.keys());
    UnitPublisher publisher =
        new UnitPublisher(sender, config.topics(), events, redis, config.keys(), metrics, clock);
    RecordLoop.Settings loop =
        new RecordLoop.Settings(
            config.pollTimeout(),
            config.retryBackoff(),
            config.kafkaTimeout(),
            config.shutdownTimeout());
    Planner planner =
        new Planner(
            config.workDir(),
            new Git(IDENTITY, config.gitTimeout()),
            suites,
            publisher,
            events,
            redis,
            config.keys(),
            clock);
    this.intake =
        new JobIntake(
            KafkaClients.consumer(config, config.intakeGroup(), "fleetq-coordinator-intake"),
            config.topics().jobs(),
            redis,
            config.keys(),
            events,
            deadLetters,
            planner,
            config.planners(),
            config.planQueue(),
            loop,
            metrics,
            clock);
    this.projector =
        new Projector(
            KafkaClients.consumer(config, config.projectorGroup(), "fleetq-coordinator-projector"),
            config.topics().events(),
            redis,
            config.keys(),
            events,
            deadLetters,
            publisher,
            new RedisRecovery(
                redis,
                config.keys(),
                () -> KafkaClients.reader(config, "fleetq-coordinator-rebuild"),
                config.topics().units(),
                publisher,
                metrics,
                clock),
            loop,
            clock);
    this.reaper =
        new LeaseReaper(
            jobStates,
            redis,
            config.keys(),
            events,
            publisher,
            config.reaperInterval(),
            config.reaperGrace(),
            config.shutdownTimeout(),
            metrics,
            clock);
    this.probe = new ReadinessProbe(admin, redis, config, config.keys().leader(LeaseReaper.ROLE));
    this.services =
        new Services(
            config,
            clock,
            redis,
            sender,
            events,
            deadLetters,
            jobStates,
            suites,
            this::readiness,
            metrics);
  }

  /**
   * Builds a coordinator and connects its Redis client; nothing runs until {@link #start()}.
   *
   * @param extensions started after the core, in this order, such as the gate and the HTTP API
   */
  public static Coordinator create(
      CoordinatorConfig config, Clock clock, List<Extension> extensions) {
    return new Coordinator(
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(extensions, "extensions"));
  }

  /** Builds a coordinator without extensions. */
  public static Coordinator create(CoordinatorConfig config, Clock clock) {
    return create(config, clock, List.of());
  }

  /**
   * Provisions the topics and starts every part. On failure, stops what had started and throws.
   *
   * @throws IllegalStateException when Kafka cannot be set up or an extension fails to start
   */
  public synchronized void start() {
    if (running || closed) {
      throw new IllegalStateException("a coordinator starts once");
    }
    try {
      new KafkaProvisioner(admin, config.topics(), config.unitsPartitions(), config.kafkaTimeout())
          .provision();
      startExtensions(false);
      suites.start();
      projector.start();
      reaper.start();
      intake.start();
      startExtensions(true);
      running = true;
      log.info(
          "Coordinator started on {} with {} extensions",
          config.bootstrapServers(),
          extensions.size());
    } catch (Exception e) {
      close();
      throw new IllegalStateException("the coordinator could not start: " + e.getMessage(), e);
    }
  }

  private void startExtensions(boolean joiningGroups) throws Exception {
    for (Extension extension : extensions) {
      if (extension.joinsGroups() == joiningGroups) {
        startedExtensions.push(extension.start(services));
      }
    }
  }

  /** What the core shares with extensions, for a deployable that wires more around it. */
  public Services services() {
    return services;
  }

  /** The projection's read side, for the HTTP API and the CLI. */
  public JobStates jobStates() {
    return services.jobStates();
  }

  /**
   * Whether the coordinator can do its work now: started, its consumers running, and Kafka and
   * Redis each answering within the probe timeout; and, when not, which of these failed. Kafka and
   * Redis are probed at once, so this blocks for at most about the probe timeout; they are not
   * probed while the coordinator is not running.
   */
  public Readiness readiness() {
    Map<String, String> parts = new LinkedHashMap<>();
    if (!running) {
      parts.put(
          "coordinator",
          closed ? "the coordinator has stopped" : "the coordinator has not finished starting");
      return new Readiness(parts);
    }
    parts.put("coordinator", Readiness.OK);
    parts.put("intake", intake.isRunning() ? Readiness.OK : "job intake has stopped");
    parts.put("projector", projector.isRunning() ? Readiness.OK : "the projector has stopped");
    parts.put(
        "suite results",
        suites.isRunning() ? Readiness.OK : "the reader of suite results has stopped");
    return probe.probe(parts);
  }

  /** Whether {@link #readiness()} finds everything ready. */
  public boolean isReady() {
    return readiness().ready();
  }

  /** Stops every part in reverse order of starting, each bounded; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running = false;
    while (!startedExtensions.isEmpty()) {
      closeQuietly(startedExtensions.pop());
    }
    // The core's parts close whether or not they started, so their Kafka consumers are released.
    closeQuietly(intake);
    closeQuietly(reaper);
    closeQuietly(projector);
    closeQuietly(suites);
    closeQuietly(() -> producer.close(config.shutdownTimeout()));
    closeQuietly(() -> admin.close(config.shutdownTimeout()));
    closeQuietly(() -> RedisClients.shutdown(redis, config.shutdownTimeout()));
    log.info("Coordinator stopped");
  }

  private static void closeQuietly(AutoCloseable part) {
    try {
      part.close();
    } catch (Exception e) {
      log.warn("Error while stopping {}: {}", part, e.toString());
    }
  }
}
