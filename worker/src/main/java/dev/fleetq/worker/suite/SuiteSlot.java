package dev.fleetq.worker.suite;

import dev.fleetq.model.suite.SuiteRequest;
import dev.fleetq.model.suite.SuiteResult;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import dev.fleetq.worker.metrics.WorkerMetrics;
import dev.fleetq.worker.unit.Acknowledgement;
import dev.fleetq.worker.unit.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One suite slot: polls the executors' share group for one suite request at a time, takes the run's
 * lease, accepts the record (the lease guards the run from then on), runs it while a renewal task
 * keeps the lease alive, sends the result, and only then deletes the lease and the scratch
 * directory. A request whose lease is held is a duplicate delivery: accepted and dropped. A record
 * that is not a suite request is dead-lettered and accepted. When the worker stops, a run in
 * progress is killed and its lease deleted, with no result, so that the coordinator dispatches it
 * again at once.
 *
 * <p>Runs on one thread of its own, which alone uses its share consumer; {@link #stop()} may be
 * called from any thread.
 */
final class SuiteSlot implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SuiteSlot.class);

  private final Supplier<ShareConsumer<byte[], byte[]>> consumers;
  private volatile ShareConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final DeadLetters deadLetters;
  private final Function<String, SuiteLease> leases;
  private final SuiteRunner runner;
  private final Producer<byte[], byte[]> producer;
  private final String resultsTopic;
  private final ScheduledExecutorService renewals;
  private final WorkerMetrics metrics;
  private final SuiteExecutor.Timing timing;
  private final Clock clock;
  private final String worker;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;

  /** The thread while it runs a request's command; the only time {@link #stop()} interrupts it. */
  private Thread running;

  SuiteSlot(
      Supplier<ShareConsumer<byte[], byte[]>> consumers,
      String topic,
      DeadLetters deadLetters,
      Function<String, SuiteLease> leases,
      SuiteRunner runner,
      Producer<byte[], byte[]> producer,
      String resultsTopic,
      ScheduledExecutorService renewals,
      WorkerMetrics metrics,
      SuiteExecutor.Timing timing,
      Clock clock,
      String worker) {
    this.consumers = Objects.requireNonNull(consumers, "consumers");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.leases = Objects.requireNonNull(leases, "leases");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.resultsTopic = Objects.requireNonNull(resultsTopic, "resultsTopic");
    this.renewals = Objects.requireNonNull(renewals, "renewals");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  @Override
  public void run() {
    // Made here, so that a worker that is never started makes none, and only this thread uses it.
    consumer = consumers.get();
    try {
      consumer.subscribe(List.of(topic));
      while (!stopping) {
        try {
          turn();
        } catch (WakeupException | InterruptException e) {
          // stop() woke the poll or interrupted the thread; the loop condition ends it.
        } catch (RuntimeException e) {
          log.warn("Taking a suite request failed; trying again in {}", timing.poll(), e);
          pause(timing.poll());
        }
      }
    } finally {
      // The interrupt that stopped a run must not also cut the consumer's close short.
      Thread.interrupted();
      closeConsumer();
      log.info("Stopped taking suite requests");
    }
  }

  /**
   * Stops taking requests: a poll in progress returns at once, and a run in progress is
   * interrupted, which kills its process tree (the sandbox's contract) or its git. Nothing else is
   * interrupted: an interrupt that reached the consumer's own close would cut it short. Does not
   * wait.
   */
  void stop() {
    stopping = true;
    stopSignal.countDown();
    ShareConsumer<byte[], byte[]> polling = consumer;
    if (polling != null) {
      polling.wakeup();
    }
    synchronized (this) {
      if (running != null) {
        running.interrupt();
      }
    }
  }

  private void turn() {
    ConsumerRecord<byte[], byte[]> taken = null;
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timing.poll())) {
      // One record per poll in record_limit mode; any extra is handed back, not held.
      if (taken != null) {
        acknowledge(record, AcknowledgeType.RELEASE);
      } else {
        taken = record;
      }
    }
    if (taken != null) {
      ConsumerRecord<byte[], byte[]> record = taken;
      decode(record).ifPresent(request -> dispatch(record, request));
    }
  }

  private Optional<SuiteRequest> decode(ConsumerRecord<byte[], byte[]> record) {
    try {
      if (record.value() == null) {
        throw new InvalidMessageException(InvalidMessageException.ROOT, "is empty (a tombstone)");
      }
      return Optional.of(Json.decode(record.value(), SuiteRequest.class));
    } catch (InvalidMessageException e) {
      log.warn("Dead-lettering {}: {}", DeadLetters.describe(record), e.getMessage());
      try {
        deadLetters.send(record, e);
      } catch (KafkaException sendFailed) {
        acknowledge(record, AcknowledgeType.RELEASE);
        throw sendFailed;
      }
      acknowledge(record, AcknowledgeType.ACCEPT);
      return Optional.empty();
    }
  }

  private void dispatch(ConsumerRecord<byte[], byte[]> record, SuiteRequest request) {
    if (stopping) {
      acknowledge(record, AcknowledgeType.RELEASE);
      return;
    }
    SuiteLease lease = leases.apply(request.runId());
    boolean taken;
    try {
      taken = lease.tryTake();
    } catch (RuntimeException e) {
      acknowledge(record, AcknowledgeType.RELEASE);
      throw e;
    }
    try {
      acknowledge(record, AcknowledgeType.ACCEPT);
    } catch (RuntimeException e) {
      if (taken) {
        releaseQuietly(lease);
      }
      throw e;
    }
    if (!taken) {
      metrics.suiteDuplicate();
      log.info(
          "Skipped suite run {} attempt {}: {} is held by another executor",
          request.runId(),
          request.attempt(),
          lease.key());
      return;
    }
    execute(request, lease);
  }

  private void execute(SuiteRequest request, SuiteLease lease) {
    putContext(request);
    metrics.suiteStarted();
    ScheduledFuture<?> renewal = keepAlive(lease);
    Instant started = clock.instant();
    try {
      log.info(
          "Running suite {} attempt {} of {}: {} at {} of {}",
          request.runId(),
          request.attempt(),
          request.jobId(),
          request.testCommand(),
          request.ref(),
          request.repoUrl());
      SuiteResult result = runInterruptibly(request);
      renewal.cancel(false);
      if (stopping || Thread.currentThread().isInterrupted()) {
        handBack(request, lease, "the worker is stopping");
        return;
      }
      metrics.suiteRan(result.outcome(), result.took());
      log.info(
          "Suite {} attempt {} ended {} after {} ({} tests): {}",
          request.runId(),
          request.attempt(),
          result.outcome(),
          Duration.between(started, clock.instant()),
          result.results().size(),
          result.problem() == null ? "reported" : result.problem());
      send(result);
      releaseQuietly(lease);
    } catch (CancellationException e) {
      handBack(request, lease, "the worker is stopping");
    } catch (RuntimeException e) {
      log.error("Suite run {} failed in the executor; handing it back", request.runId(), e);
      handBack(request, lease, e.toString());
    } finally {
      renewal.cancel(false);
      runner.remove(request);
      metrics.suiteEnded();
      MDC.clear();
    }
  }

  private SuiteResult runInterruptibly(SuiteRequest request) {
    synchronized (this) {
      if (stopping) {
        throw new CancellationException("the worker is stopping");
      }
      running = Thread.currentThread();
    }
    try {
      return runner.run(request);
    } finally {
      synchronized (this) {
        running = null;
      }
    }
  }

  /** Deletes the lease with no result, so that the coordinator dispatches the run again at once. */
  private void handBack(SuiteRequest request, SuiteLease lease, String why) {
    boolean interrupted = Thread.interrupted();
    try {
      releaseQuietly(lease);
      log.info("Handed back suite run {} attempt {}: {}", request.runId(), request.attempt(), why);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private ScheduledFuture<?> keepAlive(SuiteLease lease) {
    long every = timing.leaseTtl().toMillis() / 3;
    Map<String, String> context = MDC.getCopyOfContextMap();
    return renewals.scheduleAtFixedRate(
        () -> {
          MDC.setContextMap(context);
          try {
            if (!lease.renew()) {
              log.warn("{} was gone when it was renewed", lease);
            }
          } catch (RuntimeException e) {
            log.warn("Could not renew {}", lease, e);
          } finally {
            MDC.clear();
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Sends the result and waits, bounded, for the broker to have it. A failure is logged: the lease
   * is deleted all the same, and the coordinator dispatches the run again.
   */
  private void send(SuiteResult result) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            resultsTopic, result.runId().getBytes(StandardCharsets.UTF_8), Json.encode(result));
    try {
      producer.send(record).get(timing.kafka().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while sending the result of suite run {}", result.runId());
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      log.warn(
          "Could not send the result of suite run {}; the coordinator will dispatch it again",
          result.runId(),
          e);
    }
  }

  private void releaseQuietly(SuiteLease lease) {
    try {
      lease.release();
    } catch (RuntimeException e) {
      log.warn("Could not delete {}; it expires in {}", lease, timing.leaseTtl(), e);
    }
  }

  /** Acknowledges and commits at once, so the broker learns before the acquisition lock ends. */
  private void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
    Acknowledgement.commit(consumer, record, type, timing.kafka());
  }

  private void putContext(SuiteRequest request) {
    MDC.put("run", request.runId());
    MDC.put("job", request.jobId().value());
    MDC.put("attempt", Integer.toString(request.attempt()));
    MDC.put("worker", worker);
  }

  private void closeConsumer() {
    try {
      consumer.close(timing.kafka());
    } catch (RuntimeException e) {
      log.warn("Closing the suites consumer failed", e);
    }
  }

  private void pause(Duration pause) {
    try {
      stopSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
