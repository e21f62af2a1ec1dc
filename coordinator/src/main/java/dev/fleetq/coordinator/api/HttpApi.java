package dev.fleetq.coordinator.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fleetq's HTTP API on Vert.x Web:
 *
 * <ul>
 *   <li>{@code POST /v1/jobs}: a {@code JobSpec} in JSON, validated, given an id when it has none,
 *       and produced to the jobs topic keyed by that id; {@code 202 {"jobId": ...}}, {@code 400}
 *       naming the bad field's {@code path}, {@code 413} above {@link ApiConfig#bodyLimit()},
 *       {@code 503} naming the broker when Kafka does not acknowledge in time.
 *   <li>{@code GET /v1/jobs?limit=N}: {@code {"jobs": [JobState...]}}, newest first.
 *   <li>{@code GET /v1/jobs/{id}}: the {@code JobState} with its counts per unit status; {@code
 *       404} for an unknown job, {@code 400} for a malformed id.
 *   <li>{@code GET /v1/jobs/{id}/units}: {@code {"jobId": ..., "units": [UnitState...]}}.
 *   <li>{@code POST /v1/jobs/{id}/cancel}: produces {@code JobEvent(CANCELLED)} to the events
 *       topic; {@code 202}, {@code 404} for an unknown job, {@code 409} for a job that already
 *       ended.
 *   <li>{@code GET /healthz}: {@code 200} while the process serves; {@code GET /readyz}: {@code
 *       200} only when Kafka and Redis answer in time, else {@code 503} saying which did not.
 * </ul>
 *
 * <p>Every error body is {@code {"error": "..."}}. Kafka sends and state reads run on a named,
 * bounded worker pool ({@code fleetq-api}), never on an event loop.
 *
 * <p>Thread-safe: {@link #start()} and {@link #close()} block, so they must not be called on an
 * event loop; the routes run on Vert.x's threads. The Vert.x instance, producer, admin client,
 * Redis client and queries are borrowed and not closed.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final Vertx vertx;
  private final ApiConfig config;
  private final WorkerExecutor blocking;
  private final Router router;
  private volatile HttpServer server;

  /**
   * @param vertx the Vert.x instance to serve on
   * @param config where to listen and how long each step may take
   * @param queries the projected state of jobs and units
   * @param producer a producer of string keys and byte values, for jobs and cancellations
   * @param admin a Kafka admin client, for the readiness check
   * @param redis the Redis client, for the readiness check
   * @param clock the time of cancellation events
   * @param random draws job ids; must be thread-safe, such as a {@code SecureRandom}
   */
  public HttpApi(
      Vertx vertx,
      ApiConfig config,
      JobQueries queries,
      Producer<String, byte[]> producer,
      Admin admin,
      RedissonClient redis,
      Clock clock,
      RandomGenerator random) {
    this.vertx = vertx;
    this.config = config;
    // The longest blocking call is a Kafka send; Vert.x warns about anything far longer.
    this.blocking =
        vertx.createSharedWorkerExecutor(
            "fleetq-api",
            config.blockingThreads(),
            config.sendTimeout().multipliedBy(2).toMillis(),
            TimeUnit.MILLISECONDS);
    this.router = Router.router(vertx);
    new JobRoutes(config, queries, producer, blocking, clock, random).mount(router);
    new HealthRoutes(config, admin, redis).mount(router);
    router.route().failureHandler(this::failed);
  }

  /** Starts listening; returns once the server accepts connections. */
  public void start() {
    HttpServer created =
        vertx.createHttpServer(
            new HttpServerOptions().setHost(config.host()).setPort(config.port()));
    server = await(created.requestHandler(router).listen(), config.startTimeout(), "listen");
    log.info("HTTP API listening on {}:{}", config.host(), server.actualPort());
  }

  /** The port the server listens on, useful when the configured port was 0. */
  public int port() {
    HttpServer running = server;
    if (running == null) {
      throw new IllegalStateException("the HTTP API is not started");
    }
    return running.actualPort();
  }

  /** Stops listening and closes the worker pool, bounded by {@link ApiConfig#closeTimeout()}. */
  @Override
  public void close() {
    HttpServer running = server;
    server = null;
    try {
      if (running != null) {
        await(running.close(), config.closeTimeout(), "close");
      }
    } finally {
      await(blocking.close(), config.closeTimeout(), "close the worker pool");
    }
  }

  /** Failures Vert.x itself signals, such as a body over the limit, in the API's error shape. */
  private void failed(RoutingContext context) {
    int status = context.statusCode() < 0 ? 500 : context.statusCode();
    String message =
        switch (status) {
          case 413 -> "the request body exceeds the limit of " + config.bodyLimit() + " bytes";
          case 400 -> "the request could not be read";
          default -> context.failure() == null ? "request failed" : context.failure().toString();
        };
    if (status >= 500) {
      log.warn(
          "{} {} failed", context.request().method(), context.normalizedPath(), context.failure());
    }
    Reply.error(status, message).send(context);
  }

  private static <T> T await(Future<T> future, Duration timeout, String what) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "the HTTP API could not " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the HTTP API did not " + what + " within " + timeout, e);
    }
  }
}
