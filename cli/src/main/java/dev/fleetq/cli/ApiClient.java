package dev.fleetq.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The coordinator's HTTP API as {@code fleetq status} and {@code fleetq jobs} use it: the {@code
 * --api} flag and bounded GETs. Filled in by picocli; used on the main thread.
 */
final class ApiClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  @Option(
      names = "--api",
      defaultValue = "${env:FLEETQ_API:-http://127.0.0.1:8080}",
      description =
          "Base URL of the coordinator's HTTP API (env FLEETQ_API; default ${DEFAULT-VALUE}).")
  String api;

  private HttpClient http;

  /** A reply that names what went wrong, for the user. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  /** GETs {@code path}; throws {@link Failed} when the API does not answer. */
  HttpResponse<String> get(String path) throws InterruptedException {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }
    URI uri = URI.create(api.replaceAll("/+$", "") + path);
    try {
      return http.send(
          HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failed("cannot reach the API at " + api + ": " + e);
    }
  }
}
