package dev.fleetq.coordinator.api;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job routes under {@code /v1/jobs}: submitting a job (produced to the jobs topic), reading the
 * projected state of jobs and units, and cancelling a job (a {@code JobEvent(CANCELLED)} on the
 * events topic). Kafka sends and reads of state run on the API's worker pool; replies are written
 * back on the event loop.
 *
 * <p>Thread-safe: it holds no state of its own; the producer and the queries are thread-safe.
 */
final class JobRoutes {
  private static final Logger log = LoggerFactory.getLogger(JobRoutes.class);
  private static final String CANCEL_DETAIL = "cancelled through the HTTP API";

  private final ApiConfig config;
  private final JobQueries queries;
  private final Producer<String, byte[]> producer;
  private final WorkerExecutor blocking;
  private final Clock clock;
  private final RandomGenerator random;

  JobRoutes(
      ApiConfig config,
      JobQueries queries,
      Producer<String, byte[]> producer,
      WorkerExecutor blocking,
      Clock clock,
      RandomGenerator random) {
    this.config = config;
    this.queries = queries;
    this.producer = producer;
    this.blocking = blocking;
    this.clock = clock;
    this.random = random;
  }

  void mount(Router router) {
    router
        .post("/v1/jobs")
        .handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()))
        .handler(this::submit);
    router.get("/v1/jobs").handler(this::list);
    router.get("/v1/jobs/:id").handler(this::job);
    router.get("/v1/jobs/:id/units").handler(this::units);
    router.post("/v1/jobs/:id/cancel").handler(this::cancel);
  }

  private void submit(RoutingContext context) {
    byte[] body =
        context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
    JobId drawn = JobId.random(random);
    run(
        context,
        () -> {
          JobSpec decoded = Json.decode(body, JobSpec.class);
          JobSpec job = decoded.id() == null ? decoded.withId(drawn) : decoded;
          send(config.topics().jobs(), job.id(), Json.encode(job), "job " + job.id());
          log.info("Accepted job {} for {}", job.id(), job.repo().url());
          return Reply.of(202, Map.of("jobId", job.id().value()));
        });
  }

  private void list(RoutingContext context) {
    List<String> limits = context.queryParam("limit");
    int limit;
    try {
      limit = limits.isEmpty() ? config.defaultListLimit() : parseLimit(limits.get(0));
    } catch (InvalidMessageException e) {
      Reply.invalid(e).send(context);
      return;
    }
    run(context, () -> Reply.of(200, Map.of("jobs", queries.jobs(limit))));
  }

  private void job(RoutingContext context) {
    run(
        context,
        () -> {
          JobId id = jobId(context);
          return queries.job(id).map(state -> Reply.of(200, state)).orElseGet(() -> unknown(id));
        });
  }

  private void units(RoutingContext context) {
    run(
        context,
        () -> {
          JobId id = jobId(context);
          if (queries.job(id).isEmpty()) {
            return unknown(id);
          }
          return Reply.of(200, Map.of("jobId", id.value(), "units", queries.units(id)));
        });
  }

  private void cancel(RoutingContext context) {
    run(
        context,
        () -> {
          JobId id = jobId(context);
          Optional<JobState> state = queries.job(id);
          if (state.isEmpty()) {
            return unknown(id);
          }
          if (state.get().status().isTerminal()) {
            return Reply.error(409, "job " + id + " already ended as " + state.get().status());
          }
          JobEvent cancelled =
              new JobEvent(
                  id, JobStatus.CANCELLED, state.get().unitCount(), CANCEL_DETAIL, clock.instant());
          send(config.topics().events(), id, Json.encode(cancelled), "the cancellation of " + id);
          log.info("Cancelling job {}", id);
          return Reply.of(202, Map.of("jobId", id.value(), "requested", JobStatus.CANCELLED));
        });
  }

  /** Runs a handler's work on the worker pool and writes its reply on the event loop. */
  private void run(RoutingContext context, Callable<Reply> work) {
    blocking
        .executeBlocking(
            () -> {
              try {
                return work.call();
              } catch (InvalidMessageException e) {
                return Reply.invalid(e);
              } catch (Unavailable e) {
                return Reply.error(503, e.getMessage());
              } catch (RuntimeException e) {
                log.warn(
                    "Could not answer {} {}",
                    context.request().method(),
                    context.normalizedPath(),
                    e);
                return Reply.error(503, "the job state could not be read: " + e.getMessage());
              }
            },
            false)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                done.result().send(context);
              } else {
                Reply.error(500, "internal error: " + done.cause()).send(context);
              }
            });
  }

  private void send(String topic, JobId key, byte[] value, String what) {
    try {
      producer
          .send(new ProducerRecord<>(topic, key.value(), value))
          .get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while sending " + what, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new Unavailable(
          "Kafka ("
              + config.bootstrapServers()
              + ") did not acknowledge "
              + what
              + " within "
              + config.sendTimeout()
              + ": "
              + cause,
          cause);
    }
  }

  private int parseLimit(String text) {
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= config.maxListLimit()) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // Reported below with the accepted range.
    }
    throw new InvalidMessageException(
        "limit", "must be an integer from 1 to " + config.maxListLimit() + ", got '" + text + "'");
  }

  private static JobId jobId(RoutingContext context) {
    try {
      return JobId.parse(context.pathParam("id"));
    } catch (InvalidMessageException e) {
      throw new InvalidMessageException("id", e.problem());
    }
  }

  private static Reply unknown(JobId id) {
    return Reply.error(404, "no job '" + id + "' is known");
  }

  /** Kafka did not take a record in time. */
  static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
