package dev.fleetq.coordinator.api;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics}: the coordinator's registry (core and gate) in the format the scraper's
 * {@code Accept} header asks for, Prometheus text by default. A scrape reads gauges through their
 * callbacks, so it runs on the worker pool, never on the event loop.
 *
 * <p>Thread-safe: the registry is.
 */
final class MetricsRoute {
  private final PrometheusRegistry registry;
  private final WorkerExecutor blocking;
  private final ExpositionFormats formats = ExpositionFormats.init();

  MetricsRoute(PrometheusRegistry registry, WorkerExecutor blocking) {
    this.registry = registry;
    this.blocking = blocking;
  }

  void mount(Router router) {
    router.get("/metrics").handler(this::scrape);
  }

  private void scrape(RoutingContext context) {
    ExpositionFormatWriter writer = formats.findWriter(context.request().getHeader("Accept"));
    blocking
        .executeBlocking(() -> write(writer), false)
        .onSuccess(
            body ->
                context
                    .response()
                    .putHeader("Content-Type", writer.getContentType())
                    .end(Buffer.buffer(body)))
        .onFailure(context::fail);
  }

  private byte[] write(ExpositionFormatWriter writer) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      writer.write(body, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body.toByteArray();
  }
}
