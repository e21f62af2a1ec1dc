package dev.fleetq.coordinator.suite;

import dev.fleetq.coordinator.kafka.Sender;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.suite.SuiteRequest;
import dev.fleetq.model.suite.SuiteResult;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands suite runs to the fleet's executors and waits for what they found: the coordinator decides
 * what to test, and an executor (a worker's suite slot, or {@code fleetq executor}) runs the job's
 * command; the coordinator never does.
 *
 * <p>A run is sent to {@link Topics#suites()}; the executor that takes it holds its lease ({@link
 * RedisKeys#suiteLease}) while it runs and sends a {@link SuiteResult} to {@link
 * Topics#suiteResults()}, which one thread here reads whole, from where it stood at {@link
 * #start()}. An executor that dies lets its lease lapse; once a run's lease has been seen and is
 * gone, and no result follows within {@link Settings#resultGrace()}, the run is sent again, with
 * the next attempt number, up to {@link Settings#maxDispatches()} times. Any result for the run id
 * ends the wait, whichever attempt it answers: each ran the same command on the same commit. A
 * result nobody waits for (a run given up on, or answered twice) is counted and dropped.
 *
 * <p>Thread-safe: any number of threads may wait on runs at once, which is how the gate runs
 * several suites in parallel.
 */
public final class SuiteDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SuiteDispatcher.class);

  private final Sender sender;
  private final Consumer<byte[], byte[]> results;
  private final RedissonClient redis;
  private final Topics topics;
  private final RedisKeys keys;
  private final Settings settings;
  private final DispatchMetrics metrics;
  private final Clock clock;
  private final Map<String, CompletableFuture<SuiteResult>> waiting = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean closed;

  /**
   * How runs are watched.
   *
   * @param pollTimeout how long one poll of the results waits, and so how soon closing is noticed
   * @param watchInterval how often a waiting run's lease is looked at
   * @param resultGrace how long a result may trail its lease's end before the run is sent again
   * @param maxDispatches how many times one run is sent at most
   */
  public record Settings(
      Duration pollTimeout, Duration watchInterval, Duration resultGrace, int maxDispatches) {
    /** The settings the coordinator uses. */
    public static final Settings DEFAULT =
        new Settings(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(5), 3);

    /** Checks every field. */
    public Settings {
      for (Duration duration : List.of(pollTimeout, watchInterval, resultGrace)) {
        if (duration.isNegative() || duration.isZero()) {
          throw new IllegalArgumentException("durations must be positive, got " + duration);
        }
      }
      if (maxDispatches < 1) {
        throw new IllegalArgumentException("maxDispatches must be at least 1");
      }
    }
  }

  /**
   * @param sender sends the requests
   * @param results a consumer with no group, which this dispatcher assigns, reads and closes
   */
  public SuiteDispatcher(
      Sender sender,
      Consumer<byte[], byte[]> results,
      RedissonClient redis,
      Topics topics,
      RedisKeys keys,
      Settings settings,
      DispatchMetrics metrics,
      Clock clock) {
    this.sender = Objects.requireNonNull(sender, "sender");
    this.results = Objects.requireNonNull(results, "results");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reader = new Thread(this::read, "fleetq-suite-results");
    reader.setDaemon(true);
  }

  /**
   * Takes up the results topic where it ends now, so that no result of a run sent after this call
   * is missed, and starts reading it.
   */
  public void start() {
    List<TopicPartition> partitions =
        results.partitionsFor(topics.suiteResults()).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .toList();
    results.assign(partitions);
    results.seekToEnd(partitions);
    partitions.forEach(results::position);
    reader.start();
  }

  /**
   * Sends {@code request} and waits for its result, sending it again when its executor dies.
   *
   * @param patience how long to wait in all, from now
   * @return the result, or empty when none came within {@code patience} or the run was sent {@link
   *     Settings#maxDispatches()} times without one
   * @throws InterruptedException when the waiting thread is interrupted; the run is given up
   */
  public Optional<SuiteResult> run(SuiteRequest request, Duration patience)
      throws InterruptedException {
    CompletableFuture<SuiteResult> answer = new CompletableFuture<>();
    if (waiting.putIfAbsent(request.runId(), answer) != null) {
      throw new IllegalStateException("run " + request.runId() + " is already being waited on");
    }
    Instant deadline = clock.instant().plus(patience);
    metrics.waitStarted();
    try {
      SuiteRequest sent = send(request);
      boolean leaseSeen = false;
      Instant leaseGone = null;
      while (true) {
        Optional<SuiteResult> result = await(answer, settings.watchInterval());
        if (result.isPresent()) {
          metrics.answered(result.get().outcome());
          return result;
        }
        Instant now = clock.instant();
        if (!now.isBefore(deadline)) {
          log.warn("No executor answered suite run {} within {}", request.runId(), patience);
          metrics.unanswered();
          return Optional.empty();
        }
        boolean leased =
            redis.getBucket(keys.suiteLease(request.runId()), StringCodec.INSTANCE).isExists();
        if (leased) {
          leaseSeen = true;
          leaseGone = null;
        } else if (leaseSeen && leaseGone == null) {
          leaseGone = now;
        } else if (leaseGone != null && !now.isBefore(leaseGone.plus(settings.resultGrace()))) {
          if (sent.attempt() >= settings.maxDispatches()) {
            log.warn(
                "Suite run {} lost its executor {} times; giving it up",
                request.runId(),
                sent.attempt());
            metrics.unanswered();
            return Optional.empty();
          }
          log.info(
              "Suite run {} lost its executor (attempt {}); sending it again",
              request.runId(),
              sent.attempt());
          sent = send(sent.redispatched());
          leaseSeen = false;
          leaseGone = null;
        }
      }
    } finally {
      waiting.remove(request.runId(), answer);
      metrics.waitEnded();
    }
  }

  private SuiteRequest send(SuiteRequest request) {
    sender.send(topics.suites(), request.runId(), Json.encode(request), List.of());
    metrics.dispatched(request.attempt() == 1);
    return request;
  }

  private Optional<SuiteResult> await(CompletableFuture<SuiteResult> answer, Duration wait)
      throws InterruptedException {
    try {
      return Optional.of(answer.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a suite result cannot fail", e);
    }
  }

  private void read() {
    try {
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> record : results.poll(settings.pollTimeout())) {
          deliver(record);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("The suite results reader stopped; runs wait until their deadline", e);
    } finally {
      results.close(Duration.ofSeconds(5));
    }
  }

  private void deliver(ConsumerRecord<byte[], byte[]> record) {
    SuiteResult result;
    try {
      result = Json.decode(record.value(), SuiteResult.class);
    } catch (InvalidMessageException e) {
      log.warn(
          "Ignored an unreadable suite result at offset {}: {}", record.offset(), e.getMessage());
      metrics.stale();
      return;
    }
    CompletableFuture<SuiteResult> answer = waiting.get(result.runId());
    if (answer == null || !answer.complete(result)) {
      log.debug("Dropped a result of suite run {} that nobody waits for", result.runId());
      metrics.stale();
    }
  }

  /** Whether the results reader is running. */
  public boolean isRunning() {
    return reader.isAlive();
  }

  /** Stops reading results; runs still waiting end empty at their deadline. */
  @Override
  public void close() {
    closed = true;
    if (!reader.isAlive()) {
      results.close(Duration.ofSeconds(5));
      return;
    }
    results.wakeup();
    try {
      reader.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
