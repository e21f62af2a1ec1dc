package dev.fleetq.coordinator.api;

import dev.fleetq.coordinator.Coordinator;
import dev.fleetq.coordinator.CoordinatorConfig;
import dev.fleetq.coordinator.gate.GateView;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fleetq's HTTP API on Vert.x Web, run inside the coordinator as an {@link #extension}:
 *
 * <ul>
 *   <li>{@code POST /v1/jobs}: a {@code JobSpec} in JSON, validated, given an id when it has none,
 *       and sent to the jobs topic keyed by that id; {@code 202 {"jobId": ...}}, {@code 400} naming
 *       the bad field's {@code path}, {@code 413} above {@link ApiConfig#bodyLimit()}, {@code 503}
 *       naming the broker when Kafka does not acknowledge within the coordinator's Kafka timeout.
 *   <li>{@code GET /v1/jobs?limit=N}: {@code {"jobs": [JobState...]}}, newest first.
 *   <li>{@code GET /v1/jobs/{id}}: the {@code JobState} with its counts per unit status; {@code
 *       404} for an unknown job, {@code 400} for a malformed id.
 *   <li>{@code GET /v1/jobs/{id}/units}: {@code {"jobId": ..., "units": [UnitState...]}}.
 *   <li>{@code POST /v1/jobs/{id}/cancel}: emits {@code JobEvent(CANCELLED)} to the events topic;
 *       {@code 202}, {@code 404} for an unknown job, {@code 409} for a job that already ended.
 *   <li>{@code GET /v1/gate/{repoId}}: the CI gate's queue, baseline and recent verdicts for the
 *       repository; {@code 404} for a repository the gate has never seen, {@code 400} for a
 *       malformed id.
 *   <li>{@code GET /healthz}: {@code 200} while the process serves; {@code GET /readyz}: the
 *       coordinator's readiness, {@code 200} or {@code 503} saying what is not ready.
 *   <li>{@code GET /metrics}: the coordinator's Prometheus metrics, core and gate.
 * </ul>
 *
 * <p>With {@link ApiConfig#tokens()}, every {@code /v1} route answers {@code 401} (and {@code
 * WWW-Authenticate: Bearer}) unless the request carries {@code Authorization: Bearer <token>} with
 * one of them; health and metrics stay open for probes and Prometheus. Refusals are counted in
 * {@code fleetq_api_unauthorized_total} and logged with the caller's address.
 *
 * <p>Every error body is {@code {"error": "..."}}. Kafka sends and state reads run on a named,
 * bounded worker pool ({@code fleetq-api}), never on an event loop. The API sends, reads and probes
 * through the coordinator's shared clients; the Vert.x instance is its own, created when it starts
 * and closed, bounded by the coordinator's shutdown timeout, when it stops.
 *
 * <p>Thread-safe: {@link #start} and {@link #close()} block, so they must not be called on an event
 * loop; the routes run on Vert.x's threads.
 */
public final class HttpApi implements Coordinator.Extension, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final ApiConfig config;
  private final RandomGenerator random;
  private Vertx vertx;
  private WorkerExecutor blocking;
  private Duration closeTimeout;
  private boolean closed;
  private volatile HttpServer server;

  private HttpApi(ApiConfig config, RandomGenerator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.random = random;
  }

  /**
   * The HTTP API as an extension of the coordinator, started after its core and closed before it;
   * once started, {@link #port()} says where it listens. It starts once.
   *
   * @param config where to listen and the API's own limits; the rest comes from the coordinator
   */
  public static HttpApi extension(ApiConfig config) {
    return new HttpApi(config, new SecureRandom());
  }

  /**
   * The API joins no consumer group, so the coordinator binds its port before its consumers join.
   */
  @Override
  public boolean joinsGroups() {
    return false;
  }

  /** Starts listening; returns once the server accepts connections. */
  @Override
  public synchronized AutoCloseable start(Coordinator.Services services) {
    if (vertx != null) {
      throw new IllegalStateException("the HTTP API starts once");
    }
    CoordinatorConfig core = services.config();
    closeTimeout = core.shutdownTimeout();
    vertx = Vertx.vertx();
    try {
      // The longest blocking call is a Kafka send; Vert.x warns about anything far longer.
      blocking =
          vertx.createSharedWorkerExecutor(
              "fleetq-api",
              config.blockingThreads(),
              core.kafkaTimeout().multipliedBy(2).toMillis(),
              TimeUnit.MILLISECONDS);
      Router router = Router.router(vertx);
      CoordinatorMetrics metrics = services.metrics();
      router.route("/v1/*").handler(context -> authenticate(context, metrics));
      new JobRoutes(
              config,
              core,
              services.jobStates(),
              services.sender(),
              services.events(),
              blocking,
              services.clock(),
              random)
          .mount(router);
      new GateRoutes(new GateView(services.redis(), core.keys()), blocking).mount(router);
      new HealthRoutes(services.readiness(), blocking).mount(router);
      new MetricsRoute(services.metrics().registry(), blocking).mount(router);
      router.route().failureHandler(this::failed);
      HttpServer created =
          vertx.createHttpServer(
              new HttpServerOptions().setHost(config.host()).setPort(config.port()));
      server =
          await(
              created.requestHandler(router).listen(),
              config.startTimeout(),
              "listen on " + config.host() + ":" + config.port());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.info(
        "HTTP API listening on {}:{} with {}", config.host(), server.actualPort(), config.tokens());
    return this;
  }

  /** The port the server listens on, useful when the configured port was 0. */
  public int port() {
    HttpServer running = server;
    if (running == null) {
      throw new IllegalStateException("the HTTP API is not started");
    }
    return running.actualPort();
  }

  /**
   * Stops listening, then closes the worker pool and Vert.x, each bounded by the coordinator's
   * shutdown timeout; idempotent.
   */
  @Override
  public synchronized void close() {
    if (vertx == null || closed) {
      return;
    }
    closed = true;
    HttpServer running = server;
    server = null;
    try {
      if (running != null) {
        await(running.close(), closeTimeout, "close");
      }
    } finally {
      try {
        if (blocking != null) {
          await(blocking.close(), closeTimeout, "close the worker pool");
        }
      } finally {
        await(vertx.close(), closeTimeout, "close Vert.x");
      }
    }
  }

  /** Lets a {@code /v1} request on when it carries an accepted token, else answers {@code 401}. */
  private void authenticate(RoutingContext context, CoordinatorMetrics metrics) {
    Optional<String> refusal =
        config.tokens().refusal(context.request().getHeader("authorization"));
    if (refusal.isEmpty()) {
      context.next();
      return;
    }
    metrics.apiRefused();
    log.info(
        "Refused {} {} from {}: {}",
        context.request().method(),
        context.normalizedPath(),
        context.request().remoteAddress(),
        refusal.get());
    context.response().putHeader("www-authenticate", "Bearer realm=\"fleetq\"");
    Reply.error(401, refusal.get()).send(context);
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
