package dev.fleetq.worker;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.sandbox.Sandbox;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.worker.claim.ClaimOutcome.SkipReason;
import dev.fleetq.worker.claim.UnitClaims;
import dev.fleetq.worker.git.Workspace;
import dev.fleetq.worker.metrics.WorkerMetrics;
import dev.fleetq.worker.run.Attempts;
import dev.fleetq.worker.run.BreakOffs;
import dev.fleetq.worker.run.Outbox;
import dev.fleetq.worker.run.Slots;
import dev.fleetq.worker.sandbox.AgentSandboxes;
import dev.fleetq.worker.sandbox.DockerSandbox;
import dev.fleetq.worker.suite.SuiteExecutor;
import dev.fleetq.worker.unit.UnitSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleetq worker: takes units from the share group when it has a free slot, claims each in Redis,
 * and runs the loop pull, work, commit, merge, push, release for it in the slot, reporting every
 * step as a unit event and every pushed candidate as a gate request. It never republishes a unit:
 * an attempt that fails ends with {@code RETRYING} and the coordinator decides what comes next.
 *
 * <p>{@link #start()} starts the take loop thread (the only user of the share consumer), the slot
 * threads and the heartbeat thread; {@link #close()} shuts down in order and within bounds: stop
 * taking units, hand back the ones in flight ({@code RETRYING} with {@code WORKER_SHUTDOWN}, agent
 * killed, lease released) within the grace period, remove the heartbeat, close the clients.
 *
 * <p>Thread-safe: {@code start}, {@code close} and {@code isHealthy} may be called from any thread.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /** The bound on each reachability check of {@link #isHealthy()}. */
  public static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(2);

  private final WorkerConfig config;
  private final WorkerClients clients;
  private final Clock clock;
  private final Slots slots;
  private final AgentSandboxes sandboxes;
  private final UnitSource source;
  private final TakeLoop takeLoop;
  private final Heartbeats heartbeats;
  private final Health health;
  private final WorkerMetrics workerMetrics;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final SuiteExecutor suites;
  private final Thread takeThread;
  private final ScheduledExecutorService heartbeatThread;
  private boolean started;
  private boolean closed;

  /**
   * Connects the clients that {@code config} describes and wires a worker around them.
   *
   * @param sandbox where agents run, such as {@code new ProcessSandbox()}
   * @param clock the source of every timestamp the worker writes
   */
  public static Worker create(WorkerConfig config, Sandbox sandbox, Clock clock) {
    return new Worker(config, WorkerClients.connect(config), sandbox, null, clock);
  }

  /**
   * Connects the clients that {@code config} describes and wires a worker that runs agents in
   * containers when the job or {@link WorkerConfig#defaultImage()} names an image.
   *
   * @param sandbox where agents without an image run
   * @param docker where agents with an image run; the caller closes it after the worker
   * @param clock the source of every timestamp the worker writes
   */
  public static Worker create(
      WorkerConfig config, Sandbox sandbox, DockerSandbox docker, Clock clock) {
    return new Worker(config, WorkerClients.connect(config), sandbox, docker, clock);
  }

  /**
   * Wires a worker around clients it then owns and closes. Nothing runs until {@link #start()}.
   *
   * @param sandbox where agents run
   * @param clock the source of every timestamp the worker writes
   */
  public Worker(WorkerConfig config, WorkerClients clients, Sandbox sandbox, Clock clock) {
    this(config, clients, sandbox, null, clock);
  }

  /**
   * Wires a worker around clients it then owns and closes. Nothing runs until {@link #start()}.
   *
   * @param sandbox where agents without an image run
   * @param docker where agents with an image run, or null for a worker without a Docker engine; the
   *     caller closes it after the worker
   * @param clock the source of every timestamp the worker writes
   * @throws IllegalArgumentException if {@code config} names a default image and there is no {@code
   *     docker}
   */
  public Worker(
      WorkerConfig config,
      WorkerClients clients,
      Sandbox sandbox,
      DockerSandbox docker,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.clock = Objects.requireNonNull(clock, "clock");
    WorkerId id = config.workerId();
    Workspace workspace =
        new Workspace(
            config.workDir(),
            new Git(config.identity(), config.gitTimeout()),
            config.gitTimeout().multipliedBy(2));
    Outbox outbox =
        new Outbox(clients.producer(), config.topics(), id, clock, config.kafkaTimeout());
    UnitClaims claims =
        new UnitClaims(clients.redisson(), config.keys(), id, config.redisTimeout());
    this.slots = new Slots(id, config.slots());
    this.sandboxes = new AgentSandboxes(sandbox, docker, config.defaultImage());
    WorkerMetrics metrics = new WorkerMetrics(registry, id, config.slots(), slots::busy);
    this.workerMetrics = metrics;
    BreakOffs breakOffs = new BreakOffs(clock);
    Attempts attempts =
        new Attempts(slots, workspace, sandboxes, outbox, id, config.workDir(), metrics, breakOffs);
    this.source =
        new UnitSource(
            clients.units(),
            config.topics().units(),
            clients.producer(),
            config.topics().dlq(),
            config.kafkaTimeout());
    this.takeLoop =
        new TakeLoop(
            source, claims, slots, attempts, metrics, breakOffs, config.pollTimeout(), clock);
    this.heartbeats = new Heartbeats(config, version(), slots, claims, clients.redisson(), clock);
    this.health =
        new Health(
            clients.admin(), clients.redisson(), config.keys().worker(id), HEALTH_CHECK_TIMEOUT);
    this.suites = config.suiteSlots() == 0 ? null : suiteExecutor();
    this.takeThread = new Thread(takeLoop, "fleetq-" + id + "-take");
    takeThread.setDaemon(true);
    this.heartbeatThread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "fleetq-" + id + "-heartbeat");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** This worker's id. */
  public WorkerId id() {
    return config.workerId();
  }

  /**
   * Removes the containers an earlier run of this worker left behind, then starts the heartbeat and
   * begins taking units.
   *
   * @throws IllegalStateException if it was already started or closed
   */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("worker " + id() + " was already started or closed");
    }
    // Before any unit runs, so that a container of this worker's is always a leftover.
    sandboxes.sweep();
    started = true;
    long interval = config.heartbeatInterval().toMillis();
    heartbeatThread.scheduleWithFixedDelay(heartbeats, 0, interval, TimeUnit.MILLISECONDS);
    if (config.slots() > 0) {
      takeThread.start();
    }
    if (suites != null) {
      suites.start();
    }
    log.info(
        "Worker {} started with {} slots and {} suite slots in {}",
        id(),
        config.slots(),
        config.suiteSlots(),
        config.workDir());
  }

  /** The worker's metrics ({@link WorkerMetrics}), for {@code /metrics}. */
  public PrometheusRegistry metrics() {
    return registry;
  }

  /**
   * Whether the worker is running: started, not closed, and its take loop alive and completing
   * turns. Does not block; a liveness probe asks this, so that a broker outage, which a restart
   * would not mend, does not restart the worker.
   */
  public boolean isAlive() {
    synchronized (this) {
      if (!started || closed) {
        return false;
      }
    }
    return takeLoopAlive();
  }

  /**
   * Whether the worker is running and can do its work: {@link #isAlive()}, every suite slot's
   * thread is running (when it has suite slots), and Kafka and Redis answer within {@link
   * #HEALTH_CHECK_TIMEOUT}. Blocks for at most twice that.
   */
  public boolean isHealthy() {
    return isAlive()
        && (suites == null || suites.isAlive())
        && health.redisReachable()
        && health.kafkaReachable();
  }

  /**
   * Shuts down gracefully and within bounds: stops taking units, hands back the units in flight
   * within the shutdown grace period, removes the heartbeat and closes the clients. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    log.info("Worker {} stopping", id());
    takeLoop.stop();
    slots.stopAll();
    if (suites != null) {
      suites.stop();
    }
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    joinTakeThread(config.shutdownGrace());
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    if (!slots.shutdown(left)) {
      log.warn(
          "Worker {}: some units were not handed back within {}", id(), config.shutdownGrace());
    }
    stopSuites(deadline);
    stopHeartbeats();
    closeClients();
    log.info("Worker {} stopped", id());
  }

  /** How many deliveries were skipped for {@code reason}; for tests. */
  int skipped(SkipReason reason) {
    return (int) workerMetrics.skips(reason);
  }

  /** How many slots are running an attempt; for tests. */
  int busySlots() {
    return slots.busy();
  }

  private boolean takeLoopAlive() {
    Duration turnBound =
        config
            .pollTimeout()
            .multipliedBy(2)
            .plus(config.redisTimeout().multipliedBy(2))
            .plus(config.kafkaTimeout().multipliedBy(2));
    if (config.slots() == 0) {
      return true;
    }
    Instant last = takeLoop.lastGoodTurn();
    return takeThread.isAlive() && last.plus(turnBound).isAfter(clock.instant());
  }

  private void joinTakeThread(Duration bound) {
    synchronized (this) {
      if (!started || config.slots() == 0) {
        // The take loop never ran, so the consumer is this thread's to close.
        source.close();
        return;
      }
    }
    try {
      takeThread.join(Math.max(1, bound.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (takeThread.isAlive()) {
      log.warn("Worker {}: the take loop did not stop within {}", id(), bound);
    }
  }

  private SuiteExecutor suiteExecutor() {
    SuiteExecutor.Settings settings =
        new SuiteExecutor.Settings(
            id(),
            config.suiteSlots(),
            config.workDir(),
            config.topics(),
            config.keys(),
            config.identity(),
            config.pollTimeout(),
            config.gitTimeout(),
            config.redisTimeout(),
            config.kafkaTimeout());
    String group = config.topics().executorShareGroup();
    String clientId = "fleetq-worker-" + id() + "-suite-";
    return new SuiteExecutor(
        settings,
        clients.producer(),
        clients.redisson(),
        n -> WorkerClients.shareConsumer(config, group, clientId + n),
        sandboxes,
        workerMetrics,
        clock);
  }

  /**
   * Waits for the suite slots until the shutdown deadline, and at least the Kafka timeout: a slot
   * that was killed still deletes its lease and closes its consumer.
   */
  private void stopSuites(long deadline) {
    if (suites == null) {
      return;
    }
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    if (left.compareTo(config.kafkaTimeout()) < 0) {
      left = config.kafkaTimeout();
    }
    if (!suites.awaitStopped(left)) {
      log.warn("Worker {}: some suite slots did not stop within {}", id(), left);
    }
  }

  private void stopHeartbeats() {
    heartbeatThread.shutdownNow();
    try {
      heartbeatThread.awaitTermination(config.redisTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    heartbeats.remove();
  }

  private void closeClients() {
    try {
      clients.closeShared(config.kafkaTimeout());
    } catch (RuntimeException e) {
      log.warn("Worker {}: closing the clients failed", id(), e);
    }
  }

  private static String version() {
    String version = Worker.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
