package dev.fleetq.coordinator.gate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of each partition that the gate has read and not yet handed to a batch: the
 * partition's window. A window opens with its first record and is <em>ready</em> when one
 * repository in it has as many requests as its batch size ({@link BatchSizes}), or {@code maxWait}
 * after it opened; so requests that arrive a little apart are decided together, and a zero {@code
 * maxWait} makes every window ready at once. A window keeps collecting while a batch of its
 * partition is being decided, and is <em>full</em> (its partition is paused) when one repository
 * has its batch size of requests or it holds {@value #LIMIT_BATCHES} times {@code maxBatch}
 * records, which bounds the gate's memory.
 *
 * <p>Records are counted by repository through their key, which is the repository's id on the gate
 * topic; the {@link RequestHandler} groups them by the decoded request.
 *
 * <p>Not thread-safe; owned by the poll thread, like the consumer that fills it.
 */
final class BatchWindows {
  /** A window holds at most this many batches' worth of records before its partition pauses. */
  static final int LIMIT_BATCHES = 4;

  private final BatchSizes sizes;
  private final Duration maxWait;
  private final Map<TopicPartition, Window> windows = new HashMap<>();

  BatchWindows(BatchSizes sizes, Duration maxWait) {
    this.sizes = sizes;
    this.maxWait = maxWait;
  }

  /** The batch size of the repository whose records have the key {@code repo}. */
  int batchSize(String repo) {
    return sizes.of(repo);
  }

  /** Adds records read from the partition; the first one opens its window at {@code now}. */
  void add(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records, Instant now) {
    if (!records.isEmpty()) {
      windows.computeIfAbsent(partition, p -> new Window(now.plus(maxWait))).add(records);
    }
  }

  /** Whether the partition's window should stop reading until it is handed to a batch. */
  boolean full(TopicPartition partition) {
    Window window = windows.get(partition);
    return window != null
        && (window.hasFullBatch(sizes) || window.records.size() >= LIMIT_BATCHES * sizes.max());
  }

  /** Removes and returns the partition's records if its window is ready; otherwise nothing. */
  Optional<List<ConsumerRecord<byte[], byte[]>>> takeIfReady(
      TopicPartition partition, Instant now) {
    Window window = windows.get(partition);
    if (window == null || (!window.hasFullBatch(sizes) && now.isBefore(window.closesAt))) {
      return Optional.empty();
    }
    windows.remove(partition);
    return Optional.of(List.copyOf(window.records));
  }

  /** The partitions that have a window. */
  Set<TopicPartition> partitions() {
    return Set.copyOf(windows.keySet());
  }

  /**
   * How long until the first of the windows that {@code decidable} accepts closes; empty when there
   * is none, zero when one is overdue.
   */
  Optional<Duration> untilFirstClose(Instant now, Predicate<TopicPartition> decidable) {
    return windows.entrySet().stream()
        .filter(entry -> decidable.test(entry.getKey()))
        .map(entry -> entry.getValue().closesAt)
        .min(Instant::compareTo)
        .map(closes -> now.isBefore(closes) ? Duration.between(now, closes) : Duration.ZERO);
  }

  /** Forgets the partition's window, whose records will be read again; returns its records. */
  List<ConsumerRecord<byte[], byte[]>> drop(TopicPartition partition) {
    Window window = windows.remove(partition);
    return window == null ? List.of() : window.records;
  }

  /** The records of one partition's window and the requests of each repository among them. */
  private static final class Window {
    private final Instant closesAt;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<String, Integer> byRepo = new HashMap<>();

    Window(Instant closesAt) {
      this.closesAt = closesAt;
    }

    void add(List<ConsumerRecord<byte[], byte[]>> more) {
      for (ConsumerRecord<byte[], byte[]> record : more) {
        records.add(record);
        byRepo.merge(repoOf(record), 1, Integer::sum);
      }
    }

    /** Whether a repository has as many requests here as its batch size. */
    boolean hasFullBatch(BatchSizes sizes) {
      return byRepo.entrySet().stream().anyMatch(e -> e.getValue() >= sizes.of(e.getKey()));
    }
  }

  /** The repository a record is for, as its key says; records without a key count together. */
  static String repoOf(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
  }
}
