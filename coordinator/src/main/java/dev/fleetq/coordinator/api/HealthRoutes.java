package dev.fleetq.coordinator.api;

import dev.fleetq.coordinator.Readiness;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process serves) and {@code /readyz}: the coordinator's own {@link
 * Readiness}, {@code 200} when every check passed, otherwise {@code 503} with each check's finding
 * and an {@code error} naming what failed, such as {@code "redis": "Redis did not answer within
 * PT2S"}. The probe blocks for up to the coordinator's probe timeout, so it runs on the worker
 * pool.
 *
 * <p>Thread-safe: it holds no state of its own.
 */
final class HealthRoutes {
  private final Supplier<Readiness> readiness;
  private final WorkerExecutor blocking;

  HealthRoutes(Supplier<Readiness> readiness, WorkerExecutor blocking) {
    this.readiness = readiness;
    this.blocking = blocking;
  }

  void mount(Router router) {
    router
        .get("/healthz")
        .handler(context -> Reply.of(200, Map.of("status", "serving")).send(context));
    router.get("/readyz").handler(this::ready);
  }

  private void ready(RoutingContext context) {
    Reply.sendWhenDone(blocking.executeBlocking(() -> reply(readiness.get()), false), context);
  }

  private static Reply reply(Readiness readiness) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("status", readiness.ready() ? "ready" : "unavailable");
    body.putAll(readiness.checks());
    if (!readiness.ready()) {
      body.put("error", readiness.problems());
    }
    return Reply.of(readiness.ready() ? 200 : 503, body);
  }
}
