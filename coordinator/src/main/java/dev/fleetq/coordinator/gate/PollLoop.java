package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.kafka.KafkaClients;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's poll thread (see {@link MergeGate}): it owns the {@link KafkaConsumer} of the gate
 * topic, adds what it reads to each partition's window and to the {@link GateQueue}, hands ready
 * windows to the executor as {@link PartitionBatch}es (one per partition at a time), pauses
 * partitions whose window is full, commits what the batches decided, and on a rebalance or at the
 * end lets the batches of the partitions it gives up finish, bounded, before it hands the rest
 * back.
 *
 * <p>Not thread-safe: {@link #run()} runs on one thread, which alone touches the consumer, the
 * windows and the batches; the batches report to it through a concurrent queue.
 */
final class PollLoop {
  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

  private final GateConfig config;
  private final CoordinatorConfig core;
  private final Duration closeTimeout;
  private final RequestHandler handler;
  private final GateQueue queue;
  private final BatchWindows windows;
  private final ExecutorService executor;
  private final CountDownLatch closing;
  private final GateMetrics metrics;
  private final AtomicInteger owned = new AtomicInteger();
  private final Clock clock;
  private final Queue<PartitionBatch.Progress> progress = new ConcurrentLinkedQueue<>();
  private final Map<TopicPartition, PartitionBatch> batches = new HashMap<>();

  /**
   * @param executor where batches are decided; shut down when the loop ends
   * @param closing counted down when the gate closes; the loop then drains and ends
   */
  PollLoop(
      GateConfig config,
      CoordinatorConfig core,
      RequestHandler handler,
      GateQueue queue,
      BatchWindows windows,
      ExecutorService executor,
      CountDownLatch closing,
      GateMetrics metrics,
      Clock clock) {
    this.config = config;
    this.core = core;
    this.closeTimeout = core.shutdownTimeout();
    this.handler = handler;
    this.queue = queue;
    this.windows = windows;
    this.executor = executor;
    this.closing = closing;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** How many gate partitions the loop owns now. */
  int owned() {
    return owned.get();
  }

  /** Polls until the gate closes, then drains, commits and leaves the group. */
  void run() {
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
                        windows::batchSize);
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
      if (!partitions.isEmpty() && closing.getCount() > 0) {
        log.info("The gate hands over {} in a rebalance", partitions);
        metrics.revoked(partitions.size());
      }
      owned.set(consumer.assignment().size() - partitions.size());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.info("The gate owns {}", partitions);
      owned.set(consumer.assignment().size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      owned.set(consumer.assignment().size() - partitions.size());
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
