package dev.fleetq.coordinator.api;

import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.Sender;
import dev.fleetq.coordinator.state.JobStates;
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
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job routes under {@code /v1/jobs}: submitting a job (sent to the jobs topic through the
 * coordinator's {@link Sender}), reading the projected state of jobs and units ({@link JobStates}),
 * and cancelling a job (a {@code JobEvent(CANCELLED)} through the {@link EventLog}). Kafka sends
 * and reads of state run on the API's worker pool; replies are written back on the event loop.
 *
 * <p>Thread-safe: it holds no state of its own; its collaborators are thread-safe.
 */
final class JobRoutes {
  private static final Logger log = LoggerFactory.getLogger(JobRoutes.class);
  private static final String CANCEL_DETAIL = "cancelled through the HTTP API";

  private final ApiConfig config;
  private final String jobsTopic;
  private final String kafka;
  private final JobStates states;
  private final Sender sender;
  private final EventLog events;
  private final WorkerExecutor blocking;
  private final Clock clock;
  private final RandomGenerator random;

  /**
   * @param core where jobs go, and the Kafka cluster that errors name
   * @param random draws job ids; must be thread-safe, such as a {@code SecureRandom}
   */
  JobRoutes(
      ApiConfig config,
      CoordinatorConfig core,
      JobStates states,
      Sender sender,
      EventLog events,
      WorkerExecutor blocking,
      Clock clock,
      RandomGenerator random) {
    this.config = config;
    this.jobsTopic = core.topics().jobs();
    this.kafka = "Kafka (" + core.bootstrapServers() + ")";
    this.states = states;
    this.sender = sender;
    this.events = events;
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
          send(
              () -> sender.send(jobsTopic, job.id().value(), Json.encode(job), List.of()),
              "job " + job.id());
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
    run(context, () -> Reply.of(200, Map.of("jobs", states.jobs(limit))));
  }

  private void job(RoutingContext context) {
    run(
        context,
        () -> {
          JobId id = jobId(context);
          return states.job(id).map(state -> Reply.of(200, state)).orElseGet(() -> unknown(id));
        });
  }

  private void units(RoutingContext context) {
    run(
        context,
        () -> {
          JobId id = jobId(context);
          if (states.job(id).isEmpty()) {
            return unknown(id);
          }
          return Reply.of(200, Map.of("jobId", id.value(), "units", states.units(id)));
        });
  }

  private void cancel(RoutingContext context) {
    run(
        context,
        () -> {
          JobId id = jobId(context);
          Optional<JobState> state = states.job(id);
          if (state.isEmpty()) {
            return unknown(id);
          }
          if (state.get().status().isTerminal()) {
            return Reply.error(409, "job " + id + " already ended as " + state.get().status());
          }
          JobEvent cancelled =
              new JobEvent(
                  id, JobStatus.CANCELLED, state.get().unitCount(), CANCEL_DETAIL, clock.instant());
          send(() -> events.emit(cancelled), "the cancellation of " + id);
          log.info("Cancelling job {}", id);
          return Reply.of(202, Map.of("jobId", id.value(), "requested", JobStatus.CANCELLED));
        });
  }

  /** Runs a handler's work on the worker pool and writes its reply on the event loop. */
  private void run(RoutingContext context, Callable<Reply> work) {
    Reply.sendWhenDone(
        blocking.executeBlocking(
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
            false),
        context);
  }

  /** Runs a send, which waits for Kafka's acknowledgement; any failure is {@code 503}. */
  private void send(Runnable send, String what) {
    try {
      send.run();
    } catch (RuntimeException e) {
      throw new Unavailable(kafka + " did not take " + what + ": " + e.getMessage(), e);
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
