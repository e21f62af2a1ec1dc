package dev.fleetq.worker.suite;

import dev.fleetq.exec.git.Git;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import dev.fleetq.worker.metrics.WorkerMetrics;
import dev.fleetq.worker.sandbox.AgentSandboxes;
import dev.fleetq.worker.unit.DeadLetters;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's suite executor: runs the test commands that the coordinator no longer runs itself. It
 * has one thread per suite slot, each with its own member of the executors' share group on the
 * suites topic ({@link SuiteSlot}); each run is guarded by a short Redis lease, renewed by one
 * shared renewal thread, and ends with a {@code SuiteResult} on the suite-results topic. If the
 * executor dies, the lease expires and the coordinator dispatches the run again.
 *
 * <p>Thread-safe: {@link #start()}, {@link #stop()}, {@link #awaitStopped} and {@link #isAlive()}
 * may be called from any thread; the runs themselves happen on the slot threads.
 */
public final class SuiteExecutor {
  private static final Logger log = LoggerFactory.getLogger(SuiteExecutor.class);

  /** How long a suite run's lease lives unless renewed; it is renewed every third of it. */
  public static final Duration LEASE_TTL = Duration.ofSeconds(15);

  /** What the dead-letter header {@code rejected-by} names for the suites topic. */
  static final String REJECTED_BY = "worker.suite-executor";

  private final List<SuiteSlot> slots = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final ScheduledExecutorService renewals;

  /**
   * The bounds a slot works within.
   *
   * @param poll how long one poll of the suites topic may block
   * @param kafka the bound on each send, acknowledgement commit and close
   * @param leaseTtl how long a lease lives unless renewed
   */
  record Timing(Duration poll, Duration kafka, Duration leaseTtl) {
    Timing {
      Objects.requireNonNull(poll, "poll");
      Objects.requireNonNull(kafka, "kafka");
      Objects.requireNonNull(leaseTtl, "leaseTtl");
    }
  }

  /**
   * Wires the executor's slots; nothing runs until {@link #start()}.
   *
   * @param producer sends the results and the dead letters
   * @param redisson holds the runs' leases
   * @param consumers makes the share consumer of slot {@code n} (from 1), a member of the
   *     executors' share group configured for explicit acknowledgement and one record per poll; the
   *     slot makes it on its own thread when it starts, subscribes it and closes it
   * @param sandboxes where test commands run, as the job's agents would
   */
  public SuiteExecutor(
      Settings settings,
      Producer<byte[], byte[]> producer,
      RedissonClient redisson,
      IntFunction<ShareConsumer<byte[], byte[]>> consumers,
      AgentSandboxes sandboxes,
      WorkerMetrics metrics,
      Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(redisson, "redisson");
    Objects.requireNonNull(clock, "clock");
    Timing timing = new Timing(settings.pollTimeout(), settings.kafkaTimeout(), LEASE_TTL);
    WorkerId id = settings.workerId();
    SuiteRunner runner =
        new SuiteRunner(
            settings.workDir().resolve("suites"),
            new SuiteCheckout(new Git(settings.identity(), settings.gitTimeout())),
            sandboxes,
            id);
    DeadLetters deadLetters =
        new DeadLetters(producer, settings.topics().dlq(), settings.kafkaTimeout(), REJECTED_BY);
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "fleetq-" + id + "-suite-leases");
              thread.setDaemon(true);
              return thread;
            });
    for (int n = 1; n <= settings.slots(); n++) {
      int slot = n;
      SuiteSlot suiteSlot =
          new SuiteSlot(
              () -> consumers.apply(slot),
              settings.topics().suites(),
              deadLetters,
              runId ->
                  new SuiteLease(
                      redisson.getBucket(settings.keys().suiteLease(runId), StringCodec.INSTANCE),
                      id.value(),
                      LEASE_TTL,
                      settings.redisTimeout()),
              runner,
              producer,
              settings.topics().suiteResults(),
              renewals,
              metrics,
              timing,
              clock,
              id.value());
      Thread thread = new Thread(suiteSlot, "fleetq-" + id + "-suite-" + n);
      thread.setDaemon(true);
      slots.add(suiteSlot);
      threads.add(thread);
    }
  }

  /**
   * What the executor takes from the worker's configuration.
   *
   * @param workerId names the threads, the leases' holder and the results' executor
   * @param slots how many suites run at once, at least 1
   * @param workDir the worker's work directory; runs use {@code workDir/suites}
   * @param topics the suites, suite-results and dead-letter topics
   * @param keys the suite leases' keys
   * @param identity the git identity of the checkouts
   * @param pollTimeout how long one poll may block
   * @param gitTimeout how long one git command may run
   * @param redisTimeout the bound on every Redis call
   * @param kafkaTimeout the bound on every send, acknowledgement commit and close
   */
  public record Settings(
      WorkerId workerId,
      int slots,
      Path workDir,
      Topics topics,
      RedisKeys keys,
      Git.Identity identity,
      Duration pollTimeout,
      Duration gitTimeout,
      Duration redisTimeout,
      Duration kafkaTimeout) {
    /** Checks every field. */
    public Settings {
      Objects.requireNonNull(workerId, "workerId");
      if (slots < 1) {
        throw new IllegalArgumentException("a suite executor needs a slot, got " + slots);
      }
      Objects.requireNonNull(workDir, "workDir");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(pollTimeout, "pollTimeout");
      Objects.requireNonNull(gitTimeout, "gitTimeout");
      Objects.requireNonNull(redisTimeout, "redisTimeout");
      Objects.requireNonNull(kafkaTimeout, "kafkaTimeout");
    }
  }

  /** Starts the slot threads. */
  public void start() {
    threads.forEach(Thread::start);
    log.info("Suite executor started with {} slots", threads.size());
  }

  /**
   * Stops taking requests and kills the runs in progress, whose leases their slots then delete with
   * no result. Does not wait: {@link #awaitStopped} does.
   */
  public void stop() {
    slots.forEach(SuiteSlot::stop);
  }

  /**
   * Waits up to {@code bound}, in all, for the slot threads to end, then stops the lease renewals;
   * returns whether every thread ended.
   */
  public boolean awaitStopped(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    boolean all = true;
    for (Thread thread : threads) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      try {
        if (thread.isAlive()) {
          thread.join(Math.max(1, left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.warn("{} did not stop within {}", thread.getName(), bound);
        all = false;
      }
    }
    renewals.shutdownNow();
    return all;
  }

  /**
   * Whether every slot thread is running. A slot busy with a run does not poll for as long as the
   * run takes, so its thread being alive is all there is to ask.
   */
  public boolean isAlive() {
    return threads.stream().allMatch(Thread::isAlive);
  }
}
