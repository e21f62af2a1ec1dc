package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.KafkaClients;
import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.sandbox.Sandbox;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
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
  private static final Git.Identity IDENTITY =
      new Git.Identity("fleetq gate", "gate@fleetq.invalid");

  private final GateConfig config;
  private final CoordinatorConfig core;
  private final Duration closeTimeout;
  private final RequestHandler handler;
  private final GateQueue queue;
  private final BatchWindows windows;
  private final Clock clock;
  private final ExecutorService executor;
  private final Thread pollThread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Queue<PartitionBatch.Progress> progress = new ConcurrentLinkedQueue<>();

  /** Batches in flight by partition; touched only by the poll thread. */
  private final Map<TopicPartition, PartitionBatch> batches = new HashMap<>();

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
              services.sandbox(),
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
   * @param sandbox where test commands run
   * @param clock the time of events and baselines
   */
  MergeGate(
      GateConfig config,
      CoordinatorConfig core,
      RedissonClient redis,
      GateEvents events,
      Sandbox sandbox,
      Clock clock) {
    this.config = config;
    this.core = core;
    this.closeTimeout = core.shutdownTimeout();
    this.clock = clock;
    Path workDir = core.workDir().toAbsolutePath().resolve("gate");
    GateLedger ledger = new GateLedger(redis, core.keys(), landingLease(config, core));
    SuiteRunner suites = new SuiteRunner(sandbox, workDir);
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
            new FlakeFilter(suites, ledger, config.flakeReruns()),
            request ->
                events.emit(
                    request, UnitStatus.GATING, null, "testing " + request.candidateCommit()),
            config.landAttempts(),
            clock);
    this.queue = new GateQueue(redis, core.keys(), clock);
    this.windows = new BatchWindows(config.maxBatch(), config.maxWait());
    this.handler =
        new RequestHandler(
            gates,
            events,
            ledger,
            queue,
            new VerdictLog(redis, core.keys()),
            clock,
            config.failureAttempts(),
            config.failureBackoff(),
            closing);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            config.threads(),
            config.threads(),
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            task -> new Thread(task, "fleetq-gate-" + threads.incrementAndGet()));
    this.pollThread = new Thread(this::pollLoop, "fleetq-gate-poll");
  }

  /**
   * How long a landing mark lives unconfirmed: the push of main and the fetch after a refused one,
   * then the report of every verdict of a full batch.
   */
  private static Duration landingLease(GateConfig config, CoordinatorConfig core) {
    return core.gitTimeout()
        .multipliedBy(2)
        .plus(core.kafkaTimeout().multipliedBy(config.maxBatch()));
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
  }

  private void pollLoop() {
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.consumer(core, config.groupId(), "fleetq-gate")) {
      consumer.subscribe(List.of(core.topics().gate()), new Rebalance(consumer));
      try {
        while (closing.getCount() > 0) {
          receive(consumer.poll(nextPoll()));
          settle(consumer);
          dispatch(consumer);
          pauseFullWindows(consumer);
        }
      } finally {
        drain(consumer);
        consumer.close(CloseOptions.timeout(closeTimeout));
      }
    } catch (RuntimeException e) {
      log.error("The gate's poll loop failed; the gate stops", e);
    } finally {
      executor.shutdownNow();
    }
  }

  /** The poll timeout, shortened so that a window is decided about when it closes. */
  private Duration nextPoll() {
    return windows
        .untilFirstClose(clock.instant(), partition -> !batches.containsKey(partition))
        .filter(untilClose -> untilClose.compareTo(core.pollTimeout()) < 0)
        .orElse(core.pollTimeout());
  }

  /** Adds each partition's new records to its window and to the queue. */
  private void receive(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> read = records.records(partition);
      windows.add(partition, read, clock.instant());
      queue.received(partition, read);
    }
  }

  /** Hands each ready window whose partition has no batch in flight to the executor. */
  private void dispatch(KafkaConsumer<byte[], byte[]> consumer) {
    for (TopicPartition partition : windows.partitions()) {
      if (batches.containsKey(partition) || !consumer.assignment().contains(partition)) {
        continue;
      }
      windows
          .takeIfReady(partition, clock.instant())
          .ifPresent(
              records -> {
                PartitionBatch batch =
                    new PartitionBatch(
                        partition,
                        records,
                        handler,
                        () -> closing.getCount() == 0,
                        progress,
                        config.maxBatch());
                batches.put(partition, batch);
                batch.start(executor);
              });
    }
  }

  /** Pauses the partitions whose window is full, and resumes the others. */
  private void pauseFullWindows(KafkaConsumer<byte[], byte[]> consumer) {
    Set<TopicPartition> paused = consumer.paused();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition partition : consumer.assignment()) {
      boolean full = windows.full(partition);
      if (full && !paused.contains(partition)) {
        pause.add(partition);
      } else if (!full && paused.contains(partition)) {
        resume.add(partition);
      }
    }
    consumer.pause(pause);
    consumer.resume(resume);
  }

  /**
   * Commits decided requests and forgets batches that are done; on the poll thread. A batch that
   * ended before its last record (the gate closing, or a failure) leaves its partition to be read
   * again from its first undecided record, window included.
   */
  private void settle(KafkaConsumer<byte[], byte[]> consumer) {
    PartitionBatch.Progress step;
    while ((step = progress.poll()) != null) {
      TopicPartition partition = step.batch().partition();
      // A batch that was given up on (its partition revoked or lost) no longer speaks for it.
      boolean current =
          batches.get(partition) == step.batch() && consumer.assignment().contains(partition);
      if (current && !step.done()) {
        commit(consumer, partition, step.nextOffset());
      } else if (current) {
        batches.remove(partition);
        if (step.nextOffset() < step.batch().endOffset()) {
          windows.drop(partition);
          consumer.seek(partition, step.nextOffset());
        }
      }
    }
  }

  private void commit(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long next) {
    try {
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(next)), core.kafkaTimeout());
    } catch (KafkaException e) {
      // The request is decided again by whoever reads it next; the fences make that safe.
      log.warn("Could not commit {} at {}: {}", partition, next, e.toString());
    }
  }

  /**
   * Waits, bounded, for the batches of these partitions and records what they decided; their
   * windows are handed back undecided.
   */
  private void finish(
      KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
    partitions.forEach(windows::drop);
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    for (TopicPartition partition : partitions) {
      PartitionBatch batch = batches.get(partition);
      if (batch != null) {
        batch.stop();
        batch.await(deadline);
      }
    }
    settle(consumer);
    partitions.forEach(batches::remove);
    partitions.forEach(queue::forget);
  }

  private void drain(KafkaConsumer<byte[], byte[]> consumer) {
    Set<TopicPartition> partitions = new HashSet<>(batches.keySet());
    partitions.addAll(windows.partitions());
    finish(consumer, partitions);
  }

  /** Lets batches of revoked partitions finish and commit before another gate takes them over. */
  private final class Rebalance implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> consumer;

    Rebalance(KafkaConsumer<byte[], byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      finish(consumer, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.info("The gate owns {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        windows.drop(partition);
        queue.forget(partition);
        PartitionBatch batch = batches.remove(partition);
        if (batch != null) {
          batch.cancel();
        }
      }
    }
  }
}
