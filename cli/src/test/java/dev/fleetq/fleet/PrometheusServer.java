package dev.fleetq.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) on a free loopback port, scraping
 * the given targets every second, with its storage in a directory of the test's. Queried through
 * its HTTP API, as Grafana would. Not thread-safe; owned by the test thread.
 */
final class PrometheusServer implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

  private PrometheusServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The {@code prometheus} binary on {@code PATH}, if there is one. */
  static Optional<Path> binary() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .map(dir -> Path.of(dir, "prometheus"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * Starts Prometheus scraping {@code jobs} (scrape job name to {@code host:port} targets) every
   * second; its log goes to {@code dir/prometheus.log}.
   */
  static PrometheusServer start(Path binary, Path dir, Map<String, List<String>> jobs)
      throws IOException {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, config(jobs));
    int port = freePort();
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    return new PrometheusServer(process, port);
  }

  /** Whether {@code /-/ready} answers 200. */
  boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Runs an instant query and returns each series' labels (as {@code label=value,...}, sorted by
   * Prometheus) and value; empty when the query matches nothing yet.
   *
   * @throws IllegalStateException when Prometheus refuses the query
   */
  Map<Map<String, String>, Double> query(String promql) throws IOException {
    HttpResponse<String> response =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IllegalStateException("Prometheus refused " + promql + ": " + response.body());
    }
    Map<Map<String, String>, Double> series = new LinkedHashMap<>();
    for (JsonNode result : body.path("data").path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      result
          .path("metric")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      series.put(labels, Double.parseDouble(result.path("value").get(1).asText()));
    }
    return series;
  }

  /** Stops it with SIGTERM, as its packaging does, and kills it if it does not stop in time. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
              .timeout(REQUEST_TIMEOUT)
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking Prometheus", e);
    }
  }

  private static String config(Map<String, List<String>> jobs) {
    List<String> lines = new ArrayList<>();
    lines.add("global:");
    lines.add("  scrape_interval: 1s");
    lines.add("  scrape_timeout: 1s");
    lines.add("scrape_configs:");
    jobs.forEach(
        (job, targets) -> {
          lines.add("  - job_name: " + job);
          lines.add("    static_configs:");
          lines.add(
              "      - targets: ["
                  + String.join(", ", targets.stream().map(t -> "\"" + t + "\"").toList())
                  + "]");
        });
    return String.join("\n", lines) + "\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
