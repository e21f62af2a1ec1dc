package dev.fleetq.coordinator.kafka;

import dev.fleetq.model.wire.InvalidMessageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one topic with one consumer on its own thread, hands each record to a handler, and commits
 * after each batch the offsets of the records it handled: at-least-once, so handlers must be
 * idempotent.
 *
 * <p>What happens when the handler fails depends only on the failure's type. An {@link
 * InvalidMessageException} dead-letters the record with the path of the bad field, and any other
 * permanent failure dead-letters it with the error; the loop carries on with the next record. A
 * {@link TransientFailure} or a Redis error rewinds the partition to the record, pauses for the
 * back-off and tries again, so nothing is lost while Kafka or Redis is away. When {@code capacity}
 * says no, the loop rewinds and pauses in the same way until it says yes.
 *
 * <p>A loop given a rewind check ({@link #rewindWhen}) asks it before each poll; when it says yes,
 * the loop reads the partitions it holds again from the beginning (once it holds any), and {@link
 * #isReplay} tells the handler which records it is reading again; a record read again that fails is
 * not dead-lettered a second time.
 *
 * <p>Thread-safe to start and close from any thread; the consumer stays on the loop's thread.
 */
public final class RecordLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecordLoop.class);

  private final String name;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final BooleanSupplier capacity;
  private final DeadLetters deadLetters;
  private final Settings settings;
  private final Clock clock;
  private final Thread thread;

  private final Map<TopicPartition, Long> replayEnds = new HashMap<>();
  private BooleanSupplier rewind = () -> false;
  private boolean rewindPending;
  private volatile boolean running;
  private boolean closed;
  private Instant pausedUntil;
  private boolean paused;

  /**
   * Timings of the loop.
   *
   * @param pollTimeout how long one poll waits
   * @param backoff how long to wait before retrying a record that failed transiently
   * @param commitTimeout the bound on one commit
   * @param closeTimeout the bound on stopping the thread and closing the consumer
   */
  public record Settings(
      Duration pollTimeout, Duration backoff, Duration commitTimeout, Duration closeTimeout) {
    public Settings {
      Objects.requireNonNull(pollTimeout, "pollTimeout");
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(commitTimeout, "commitTimeout");
      Objects.requireNonNull(closeTimeout, "closeTimeout");
    }
  }

  /**
   * @param name the component's name, used for the thread, the logs and the dead-letter header
   *     {@code fleetq.rejected.by}, such as {@code coordinator.intake}
   * @param capacity whether the handler can take another record now; polled before each record
   */
  public RecordLoop(
      String name,
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      BooleanSupplier capacity,
      DeadLetters deadLetters,
      Settings settings,
      Clock clock) {
    this.name = name;
    this.consumer = consumer;
    this.topic = topic;
    this.handler = handler;
    this.capacity = capacity;
    this.deadLetters = deadLetters;
    this.settings = settings;
    this.clock = clock;
    this.thread = new Thread(this::run, "fleetq-" + name.replace('.', '-'));
  }

  /**
   * Sets the check, asked on the loop's thread before each poll, that makes the loop read its
   * partitions again from the beginning; call before {@link #start}.
   */
  public synchronized void rewindWhen(BooleanSupplier check) {
    if (thread.getState() != Thread.State.NEW) {
      throw new IllegalStateException(name + " has started");
    }
    this.rewind = Objects.requireNonNull(check, "check");
  }

  /**
   * Whether {@code record} was in its partition already when the loop last rewound it: handling it
   * again repeats history, whose consequences are in the topic too. For the loop's thread.
   */
  public boolean isReplay(ConsumerRecord<?, ?> record) {
    Long end = replayEnds.get(new TopicPartition(record.topic(), record.partition()));
    return end != null && record.offset() < end;
  }

  /** Starts polling on the loop's own thread. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    running = true;
    thread.start();
  }

  /** Whether the loop is polling: started, not closed, and not stopped by an error. */
  public boolean isRunning() {
    return running && thread.isAlive();
  }

  /**
   * Stops polling, waits for the batch in hand to finish (bounded), and closes the consumer; closes
   * the consumer at once if the loop never started. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (thread.getState() == Thread.State.NEW) {
        // Never started: the consumer is still this thread's to close.
        consumer.close(CloseOptions.timeout(settings.closeTimeout()));
        return;
      }
    }
    running = false;
    consumer.wakeup();
    try {
      thread.join(settings.closeTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("{} did not stop within {}", name, settings.closeTimeout());
      thread.interrupt();
    }
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic));
      while (running) {
        if (rewindPending || rewind.getAsBoolean()) {
          rewindPending = !rewindAll();
        }
        holdOrResume();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout());
        commit(handleBatch(records));
      }
    } catch (WakeupException | CancellationException e) {
      if (running) {
        log.error("{} was stopped unexpectedly", name, e);
      }
    } catch (RuntimeException e) {
      log.error("{} stopped: {}", name, e.toString(), e);
    } finally {
      running = false;
      consumer.close(CloseOptions.timeout(settings.closeTimeout()));
      log.info("{} stopped", name);
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> handleBatch(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    boolean holding = false;
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (!running || holding || !capacity.getAsBoolean()) {
          // Everything from here on is read again once the loop resumes.
          if (!holding) {
            log.debug(
                "{} pauses at {}-{}@{}",
                name,
                record.topic(),
                partition.partition(),
                record.offset());
          }
          consumer.seek(partition, record.offset());
          holding = true;
          break;
        }
        if (handleOne(record)) {
          handled.put(partition, new OffsetAndMetadata(record.offset() + 1));
        } else {
          consumer.seek(partition, record.offset());
          pausedUntil = clock.instant().plus(settings.backoff());
          holding = true;
          break;
        }
      }
    }
    if (holding) {
      hold();
    }
    return handled;
  }

  /** Handles one record; false when it failed transiently and must be read again. */
  private boolean handleOne(ConsumerRecord<byte[], byte[]> record) {
    try {
      handler.accept(record);
      return true;
    } catch (InvalidMessageException e) {
      if (isReplay(record)) {
        // Dead-lettered when it was first read.
        return true;
      }
      return deadLetter(record, () -> deadLetters.reject(record, e, name));
    } catch (TransientFailure | RedisException | KafkaException e) {
      if (e instanceof WakeupException wakeup) {
        throw wakeup;
      }
      log.warn(
          "{} could not handle {}-{}@{} ({}); retrying in {}",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString(),
          settings.backoff());
      return false;
    } catch (CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error(
          "{} cannot handle {}-{}@{}; dead-lettering it",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          e);
      return isReplay(record) || deadLetter(record, () -> deadLetters.reject(record, e, name));
    }
  }

  /** Sends a record to the dead-letter topic; false when that failed and it must be read again. */
  private boolean deadLetter(ConsumerRecord<byte[], byte[]> record, Runnable send) {
    try {
      send.run();
      return true;
    } catch (TransientFailure e) {
      log.warn(
          "{} could not dead-letter {}-{}@{} ({}); retrying in {}",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString(),
          settings.backoff());
      return false;
    }
  }

  /**
   * Reads every assigned partition again from its beginning, the records before where it stood as
   * replays; false when none is assigned yet (before the first poll's rebalance), to try again
   * before the next.
   */
  private boolean rewindAll() {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return false;
    }
    replayEnds.clear();
    for (TopicPartition partition : assigned) {
      replayEnds.put(partition, consumer.position(partition, settings.commitTimeout()));
    }
    consumer.seekToBeginning(assigned);
    log.info("{} reads {} again from the beginning: {}", name, topic, replayEnds);
    return true;
  }

  private void hold() {
    consumer.pause(consumer.assignment());
    paused = true;
  }

  /** Keeps every partition paused during a back-off or while capacity is short, else resumes. */
  private void holdOrResume() {
    if (!paused) {
      return;
    }
    boolean backingOff = pausedUntil != null && clock.instant().isBefore(pausedUntil);
    if (backingOff || !capacity.getAsBoolean()) {
      // Partitions assigned by a rebalance since the pause start unpaused.
      consumer.pause(consumer.assignment());
      return;
    }
    consumer.resume(consumer.paused());
    paused = false;
    pausedUntil = null;
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, settings.commitTimeout());
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      // The records will be handled again after a rebalance or restart; handlers are idempotent.
      log.warn("{} could not commit offsets {}: {}", name, offsets, e.toString());
    }
  }
}
