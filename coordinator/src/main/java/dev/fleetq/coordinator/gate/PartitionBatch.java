package dev.fleetq.coordinator.gate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of one partition's {@link BatchWindows window}, decided in order on an executor
 * thread, in chunks with up to {@code maxBatch} requests of each repository (the requests of each
 * repository in a chunk form one batch). It reports each decided chunk and its own end to a queue
 * that the poll thread drains, so that only the poll thread touches the consumer.
 *
 * <p>Thread model: {@link #run()} runs on one executor thread; {@link #start}, {@link #stop()},
 * {@link #await} and {@link #cancel()} are called by the poll thread.
 */
final class PartitionBatch {
  private static final Logger log = LoggerFactory.getLogger(PartitionBatch.class);

  private final TopicPartition partition;
  private final List<ConsumerRecord<byte[], byte[]>> records;
  private final RequestHandler handler;
  private final BooleanSupplier closing;
  private final Queue<Progress> progress;
  private final ToIntFunction<String> batchSize;
  private volatile boolean stopped;
  private Future<?> future;

  PartitionBatch(
      TopicPartition partition,
      List<ConsumerRecord<byte[], byte[]>> records,
      RequestHandler handler,
      BooleanSupplier closing,
      Queue<Progress> progress,
      ToIntFunction<String> batchSize) {
    this.batchSize = batchSize;
    this.partition = partition;
    this.records = List.copyOf(records);
    this.handler = handler;
    this.closing = closing;
    this.progress = progress;
  }

  TopicPartition partition() {
    return partition;
  }

  /** The offset after the batch's last record: where the partition's next window starts. */
  long endOffset() {
    return records.get(records.size() - 1).offset() + 1;
  }

  void start(ExecutorService executor) {
    future = executor.submit(this::run);
  }

  /** Asks the batch to stop after the records it is deciding. */
  void stop() {
    stopped = true;
  }

  /** Waits for the batch until the deadline, then interrupts it, which kills its test run. */
  void await(long deadlineNanos) {
    try {
      future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      cancel();
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
    } catch (ExecutionException | CancellationException e) {
      log.debug("The batch of {} ended abnormally", partition, e);
    }
  }

  /** Interrupts the batch; its current record is not reported as decided. */
  void cancel() {
    future.cancel(true);
  }

  private void run() {
    long next = records.get(0).offset();
    try {
      for (List<ConsumerRecord<byte[], byte[]>> chunk : chunks()) {
        if (stopped || closing.getAsBoolean()) {
          return;
        }
        handler.handle(chunk);
        next = chunk.get(chunk.size() - 1).offset() + 1;
        progress.add(new Progress(this, next, false));
      }
    } catch (CancellationException e) {
      log.info("Stopped deciding {} at offset {}: {}", partition, next, e.getMessage());
    } catch (RuntimeException e) {
      log.error(
          "Could not decide the request at {} offset {}; reading it again", partition, next, e);
    } finally {
      progress.add(new Progress(this, next, true));
    }
  }

  /** The records in order, cut before a record that would give its repository too many. */
  private List<List<ConsumerRecord<byte[], byte[]>>> chunks() {
    List<List<ConsumerRecord<byte[], byte[]>>> chunks = new ArrayList<>();
    Map<String, Integer> inChunk = new HashMap<>();
    int from = 0;
    for (int i = 0; i < records.size(); i++) {
      String repo = BatchWindows.repoOf(records.get(i));
      if (inChunk.merge(repo, 1, Integer::sum) > batchSize.applyAsInt(repo)) {
        chunks.add(records.subList(from, i));
        from = i;
        inChunk.clear();
        inChunk.put(BatchWindows.repoOf(records.get(i)), 1);
      }
    }
    chunks.add(records.subList(from, records.size()));
    return chunks;
  }

  /**
   * What a batch reports to the poll thread: a decided request ({@code nextOffset} is the offset to
   * commit), or the end of the batch ({@code nextOffset} is the first record it did not decide).
   */
  record Progress(PartitionBatch batch, long nextOffset, boolean done) {}
}
