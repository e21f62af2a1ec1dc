package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.exec.git.Git;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CI gate: lands workers' candidates on their repository's main branch when no test that passed
 * before fails after (see {@code Gatekeeper} and {@code BatchGate} for the rules and the layout of
 * main).
 *
 * <p>It runs inside the coordinator as an {@link #extension}, on the core's shared clients: its
 * events go through the core's {@link EventLog}, unreadable requests to its {@link DeadLetters},
 * and it works in {@code gate/} under the coordinator's work directory.
 *
 * <p>Requests arrive on the gate topic keyed by repository, so each repository lives on one
 * partition and the consumer group {@link GateConfig#groupId()} gives each partition, hence each
 * repository, one owning gate. One poll thread owns the {@link KafkaConsumer}: it collects the
 * records of each partition in a window ({@code BatchWindows}) until one repository has {@link
 * GateConfig#maxBatch()} requests or {@link GateConfig#maxWait()} passed since the first, then
 * hands the window to a bounded executor as one batch. One batch per partition is in flight at a
 * time, so requests of a repository are decided in order, up to {@code maxBatch} of them merged and
 * tested together by the {@code BatchGate}; the next window collects meanwhile, and its partition
 * is paused only when the window is full. The poll thread keeps polling, so that long test runs
 * never cost the group membership. The offsets of each decided chunk are committed by the poll
 * thread right after its verdict events are acknowledged by the broker; a request whose verdict is
 * not recorded (the gate closed, or Kafka is unreachable) is read again, by this gate or by the
 * partition's next owner, and the attempt and landing fences make that safe. Requests read and not
 * yet decided are the gate's {@code GateQueue}.
 *
 * <p><b>Two owners.</b> Partition ownership is what normally makes one gate own a repository, but a
 * rebalance, or two gates in different consumer groups, can give a repository two owners at once.
 * Neither can break main: the push of main is a compare-and-swap, a unit is marked landed ({@code
 * SETNX}) before its push, and a gate that finds a landing of the unit in progress waits for it to
 * settle (see {@code Gatekeeper}), so each unit lands once and reports {@code LANDED} once.
 *
 * <p>{@link #close()} stops it: it stops taking requests, lets the ones in flight finish for up to
 * the coordinator's shutdown timeout, kills the rest, commits and leaves the group. The clients are
 * the coordinator's and are not closed.
 *
 * <p>Thread-safe: {@code start} and {@code close} may be called from any thread.
 */
public final class MergeGate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MergeGate.class);

  /**
   * How long an unconfirmed landing mark lives without a renewal. The gate renews its marks every
   * third of it while it lands and reports them, so it bounds only how long a gate that died while
   * landing blocks its units: the next owner then reads from git whether the landing reached main.
   */
  static final Duration LANDING_LEASE = Duration.ofSeconds(10);

  private static final Git.Identity IDENTITY =
      new Git.Identity("fleetq gate", "gate@fleetq.invalid");

  private final Duration closeTimeout;
  private final GateQueue queue;
  private final ExecutorService executor;
  private final ExecutorService probes;
  private final ScheduledExecutorService renewals;
  private final Thread pollThread;
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * The gate as an extension of the coordinator, started after its core and closed before it.
   *
   * @param config the gate's own settings; the rest comes from the coordinator's configuration
   */
  public static Coordinator.Extension extension(GateConfig config) {
    Objects.requireNonNull(config, "config");
    return services -> {
      MergeGate gate =
          new MergeGate(
              config,
              services.config(),
              services.redis(),
              new GateEvents(services.events(), services.deadLetters(), services.clock()),
              new GateMetrics(services.metrics().registry()),
              services.suites(),
              services.clock());
      gate.start();
      return gate;
    };
  }

  /**
   * @param config the gate's own settings
   * @param core the coordinator's configuration: the cluster, names, timeouts and work directory
   * @param redis the Redis client; its command timeout bounds every Redis call
   * @param events where the gate's events and dead letters go
   * @param metrics where its verdicts, suite runs and batches are counted
   * @param fleet runs the test commands on the fleet's executors
   * @param clock the time of events and baselines
   */
  MergeGate(
      GateConfig config,
      CoordinatorConfig core,
      RedissonClient redis,
      GateEvents events,
      GateMetrics metrics,
      SuiteDispatcher fleet,
      Clock clock) {
    this.closeTimeout = core.shutdownTimeout();
    Path workDir = core.workDir().toAbsolutePath().resolve("gate");
    GateLedger ledger = new GateLedger(redis, core.keys(), LANDING_LEASE);
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            task -> new Thread(task, "fleetq-gate-landing-renewal"));
    long every = LANDING_LEASE.toMillis() / 3;
    renewals.scheduleWithFixedDelay(() -> renew(ledger), every, every, TimeUnit.MILLISECONDS);
    SuiteRunner suites = new SuiteRunner(fleet, metrics);
    AtomicInteger probeThreads = new AtomicInteger();
    // A batch's bisection waits here on several runs at once; the batches' own threads never do.
    this.probes =
        Executors.newFixedThreadPool(
            config.parallelRuns(),
            task -> new Thread(task, "fleetq-gate-probe-" + probeThreads.incrementAndGet()));
    Gatekeeper gatekeeper =
        new Gatekeeper(
            ledger,
            new Baselines(redis, core.keys()),
            new Git(IDENTITY, core.gitTimeout()),
            suites,
            new ChangeGuard(config),
            workDir,
            Gatekeeper.Pause.until(closing),
            clock);
    BatchGate gates =
        new BatchGate(
            gatekeeper,
            ledger,
            suites,
            new FlakeFilter(suites, ledger, config.flakeReruns(), metrics),
            request ->
                events.emit(
                    request, UnitStatus.GATING, null, "testing " + request.candidateCommit()),
            config.landAttempts(),
            new TreeRuns.Parallel(config.parallelRuns(), probes),
            clock);
    BatchSizes sizes = new BatchSizes(config.minBatch(), config.maxBatch(), ledger);
    metrics.watchBatchSizes(sizes::all);
    this.queue = new GateQueue(redis, core.keys(), clock);
    metrics.watchQueue(queue::size);
    RequestHandler handler =
        new RequestHandler(
            gates,
            events,
            metrics,
            ledger,
            queue,
            new VerdictLog(redis, core.keys()),
            new BranchCleanup(gatekeeper, metrics, config.keepBranches()),
            sizes,
            clock,
            config.failureAttempts(),
            config.failureBackoff(),
            closing);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            config.parallelRuns(),
            config.parallelRuns(),
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            task -> new Thread(task, "fleetq-gate-" + threads.incrementAndGet()));
    PollLoop loop =
        new PollLoop(
            config,
            core,
            handler,
            queue,
            new BatchWindows(sizes, config.maxWait()),
            executor,
            closing,
            metrics,
            clock);
    metrics.watchPartitions(loop::owned);
    this.pollThread = new Thread(loop::run, "fleetq-gate-poll");
  }

  /** How many requests this gate has read and not yet decided, of every repository. */
  int queued() {
    return queue.size();
  }

  /** Starts polling the gate topic; returns at once. */
  synchronized void start() {
    if (pollThread.getState() != Thread.State.NEW) {
      throw new IllegalStateException("the gate was already started");
    }
    pollThread.start();
  }

  /** Stops the gate within about twice the coordinator's shutdown timeout; idempotent. */
  @Override
  public void close() {
    closing.countDown();
    if (pollThread.getState() == Thread.State.NEW) {
      executor.shutdownNow();
      probes.shutdownNow();
      renewals.shutdownNow();
      return;
    }
    try {
      pollThread.join(closeTimeout.multipliedBy(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (pollThread.isAlive()) {
      log.warn("The gate's poll thread did not stop within {}", closeTimeout.multipliedBy(2));
    }
    probes.shutdownNow();
    renewals.shutdownNow();
  }

  private static void renew(GateLedger ledger) {
    try {
      ledger.renewLandings();
    } catch (RuntimeException e) {
      log.warn("Could not renew the landing marks; they expire in {}", LANDING_LEASE, e);
    }
  }
}
