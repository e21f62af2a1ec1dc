package dev.fleetq.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's own HTTP port, for Prometheus and Kubernetes' probes: {@code GET /metrics} (the
 * worker's {@link Worker#metrics()} in the text format the scraper asks for), {@code GET /healthz}
 * (200 while {@link Worker#isAlive()}, else 503) and {@code GET /readyz} (200 while {@link
 * Worker#isHealthy()}: alive, and Kafka and Redis answer; else 503). Any other path is 404.
 *
 * <p>Thread-safe. Requests run on two daemon threads of its own, never on the worker's; {@code
 * /readyz} blocks one of them for at most twice {@link Worker#HEALTH_CHECK_TIMEOUT}.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final int THREADS = 2;

  private final Worker worker;
  private final HttpServer server;
  private final ExecutorService threads;
  private final ExpositionFormats formats = ExpositionFormats.init();

  private StatusServer(Worker worker, HttpServer server, ExecutorService threads) {
    this.worker = worker;
    this.server = server;
    this.threads = threads;
  }

  /**
   * Starts serving {@code worker}'s status on {@code host:port}; port 0 picks a free one.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static StatusServer start(Worker worker, String host, int port) {
    Objects.requireNonNull(worker, "worker");
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "worker " + worker.id() + " cannot serve its status on " + host + ":" + port, e);
    }
    ExecutorService threads =
        Executors.newFixedThreadPool(
            THREADS,
            task -> {
              Thread thread = new Thread(task, "fleetq-" + worker.id() + "-status");
              thread.setDaemon(true);
              return thread;
            });
    StatusServer status = new StatusServer(worker, server, threads);
    server.createContext("/", status::handle);
    server.setExecutor(threads);
    server.start();
    log.info("Worker {} serves /metrics, /healthz and /readyz on {}", worker.id(), status.port());
    return status;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops listening and ends its threads, without waiting for requests in hand. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "text/plain; charset=utf-8", bytes("only GET\n"));
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/metrics" -> metrics(exchange);
        case "/healthz" -> probe(exchange, worker.isAlive() ? null : "not running");
        case "/readyz" -> probe(exchange, readiness());
        default -> reply(exchange, 404, "text/plain; charset=utf-8", bytes("not found\n"));
      }
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    ExpositionFormatWriter writer =
        formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writer.write(body, worker.metrics().scrape());
    reply(exchange, 200, writer.getContentType(), body.toByteArray());
  }

  /** What keeps the worker from being ready, or null when it is ready; blocks for the checks. */
  private String readiness() {
    if (!worker.isAlive()) {
      return "not running";
    }
    return worker.isHealthy() ? null : "Kafka or Redis does not answer";
  }

  private static void probe(HttpExchange exchange, String problem) throws IOException {
    boolean good = problem == null;
    String body = good ? "ok\n" : "unavailable: " + problem + "\n";
    reply(exchange, good ? 200 : 503, "text/plain; charset=utf-8", bytes(body));
  }

  private static void reply(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
