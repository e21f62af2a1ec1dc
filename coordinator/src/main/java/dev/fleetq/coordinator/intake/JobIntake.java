package dev.fleetq.coordinator.intake;

import dev.fleetq.coordinator.LogContext;
import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.RecordLoop;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.coordinator.plan.Planner;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads submitted jobs from the jobs topic, records each one, and hands it to the planner.
 *
 * <p>For each record: decode the {@link JobSpec} (a record that does not decode or validate goes to
 * the dead-letter topic with the error and the path of the bad field, and intake carries on); give
 * it an id if it has none ({@link JobIds}); skip it if {@code job-spec:{id}} already holds it, so a
 * replayed record is not planned twice; emit {@code ACCEPTED}; store {@code job-spec:{id}}; and
 * queue it for a planner thread. The offset is committed once the job is recorded, before it is
 * planned. A job id that is already taken by a different job is dead-lettered. When every planner
 * is busy and the queue is full, intake pauses the topic instead of blocking its poll thread.
 *
 * <p>A job whose planning is cut short by a crash stays {@code PLANNING}: its record is committed
 * and its spec stored, so nothing plans it again. A shutdown, by contrast, fails it with a detail.
 *
 * <p>Thread model: the consumer runs on the intake thread; planning runs on a bounded pool of
 * planner threads. Start and close from one thread.
 */
public final class JobIntake implements AutoCloseable {
  /** The value of the dead-letter header {@code fleetq.rejected.by}. */
  public static final String NAME = "coordinator.intake";

  private static final Logger log = LoggerFactory.getLogger(JobIntake.class);

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final EventLog events;
  private final Planner planner;
  private final Clock clock;
  private final ThreadPoolExecutor planners;
  private final RecordLoop loop;
  private final Duration shutdownTimeout;
  private final CoordinatorMetrics metrics;

  /**
   * @param consumer a consumer of the jobs topic's group, owned from now on by intake
   * @param plannerThreads how many jobs are planned at once
   * @param planQueue how many jobs may wait for a planner
   */
  public JobIntake(
      KafkaConsumer<byte[], byte[]> consumer,
      String jobsTopic,
      RedissonClient redis,
      RedisKeys keys,
      EventLog events,
      DeadLetters deadLetters,
      Planner planner,
      int plannerThreads,
      int planQueue,
      RecordLoop.Settings settings,
      CoordinatorMetrics metrics,
      Clock clock) {
    this.redis = redis;
    this.metrics = metrics;
    this.keys = keys;
    this.events = events;
    this.planner = planner;
    this.clock = clock;
    this.planners =
        new ThreadPoolExecutor(
            plannerThreads,
            plannerThreads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(planQueue),
            plannerThreads());
    this.loop =
        new RecordLoop(
            NAME,
            consumer,
            jobsTopic,
            this::accept,
            () -> planners.getQueue().remainingCapacity() > 0,
            deadLetters,
            settings,
            clock);
    this.shutdownTimeout = settings.closeTimeout();
  }

  /** Starts reading jobs. */
  public void start() {
    loop.start();
  }

  /** Whether intake is reading jobs. */
  public boolean isRunning() {
    return loop.isRunning() && !planners.isShutdown();
  }

  /**
   * Stops reading jobs, then lets the jobs being planned finish within the shutdown timeout;
   * planning still running after it is interrupted, which kills its test command and fails the job.
   * Queued jobs that no planner started are failed the same way.
   */
  @Override
  public void close() {
    loop.close();
    planners.shutdown();
    try {
      if (!planners.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Planning did not finish within {}; interrupting it", shutdownTimeout);
        for (Runnable queued : planners.shutdownNow()) {
          if (queued instanceof Planning planning) {
            planning.abandon();
          }
        }
        planners.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      planners.shutdownNow();
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> record) {
    JobSpec submitted = decode(record);
    JobId id = JobIds.of(submitted, record);
    JobSpec job = submitted.id() == null ? submitted.withId(id) : submitted;
    LogContext.inJob(id, () -> record(job, record.offset()));
  }

  /** Records an accepted job and queues it for planning, unless it is known already. */
  private void record(JobSpec job, long offset) {
    JobId id = job.id();
    RBucket<String> spec = redis.getBucket(keys.jobSpec(id), StringCodec.INSTANCE);
    if (isKnown(spec, job)) {
      log.info("Job {} is already recorded; skipping its record at offset {}", id, offset);
      return;
    }
    events.emit(new JobEvent(id, JobStatus.ACCEPTED, 0, null, clock.instant()));
    if (!spec.setIfAbsent(Json.encodeToString(job))) {
      log.info("Job {} was recorded by another coordinator a moment ago", id);
      return;
    }
    log.info("Accepted job {}", id);
    metrics.jobSubmitted();
    planners.execute(new Planning(job));
  }

  private static JobSpec decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new InvalidMessageException(InvalidMessageException.ROOT, "is empty (a tombstone)");
    }
    return Json.decode(record.value(), JobSpec.class);
  }

  /**
   * Whether the job is already recorded.
   *
   * @throws InvalidMessageException when its id is taken by a different job
   */
  private static boolean isKnown(RBucket<String> spec, JobSpec job) {
    String stored = spec.get();
    if (stored == null) {
      return false;
    }
    if (!Json.decode(stored, JobSpec.class).equals(job)) {
      throw new InvalidMessageException(
          "id", "job id '" + job.id() + "' is already taken by a different job");
    }
    return true;
  }

  /** One job to plan, run by a planner thread. */
  private final class Planning implements Runnable {
    private final JobSpec job;

    Planning(JobSpec job) {
      this.job = job;
    }

    @Override
    public void run() {
      planner.plan(job);
    }

    /** Fails a job that was still queued at shutdown, rather than leave it waiting forever. */
    void abandon() {
      try {
        events.emit(
            new JobEvent(
                job.id(),
                JobStatus.FAILED,
                0,
                "the coordinator shut down before planning the job; submit it again",
                clock.instant()));
      } catch (RuntimeException e) {
        log.error("Cannot record that job {} was not planned: {}", job.id(), e.toString());
      }
    }
  }

  private static ThreadFactory plannerThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      return new Thread(task, "fleetq-planner-" + count.incrementAndGet());
    };
  }
}
