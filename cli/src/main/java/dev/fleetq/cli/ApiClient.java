package dev.fleetq.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The coordinator's HTTP API as {@code fleetq status} and {@code fleetq jobs} use it: where it is,
 * the bearer token it requires, and bounded GETs. The API is {@code --api} (or {@code FLEETQ_API})
 * when given, with the token of {@code --api-token-file}; else the one a running {@code fleetq
 * local} wrote to its {@link Endpoints} file, with that file's token; else {@value #DEFAULT_API}.
 * Filled in by picocli; used on the main thread.
 */
final class ApiClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final String DEFAULT_API = "http://127.0.0.1:8080";

  @Option(
      names = "--api",
      defaultValue = "${env:FLEETQ_API}",
      description =
          "Base URL of the coordinator's HTTP API (env FLEETQ_API; default: the endpoints file's,"
              + " else "
              + DEFAULT_API
              + ").")
  String api;

  @Option(
      names = "--api-token-file",
      defaultValue = "${env:FLEETQ_API_TOKEN_FILE}",
      description =
          "File whose first line is the API's bearer token (env FLEETQ_API_TOKEN_FILE; default:"
              + " the endpoints file's token).")
  Path tokenFile;

  @Option(
      names = "--endpoints",
      defaultValue = "${env:FLEETQ_ENDPOINTS:-" + Endpoints.DEFAULT_FILE + "}",
      description =
          "The endpoints file a running 'fleetq local' wrote, read when --api is not given (env"
              + " FLEETQ_ENDPOINTS; default ${DEFAULT-VALUE}).")
  Path endpoints;

  private HttpClient http;

  /** A reply that names what went wrong, for the user. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  /** GETs {@code path}; throws {@link Failed} when the API does not answer or refuses the token. */
  HttpResponse<String> get(String path) throws InterruptedException {
    Optional<Endpoints> local = api == null ? Endpoints.read(endpoints) : Optional.empty();
    String base = api != null ? api : local.map(Endpoints::api).orElse(DEFAULT_API);
    Optional<String> token =
        tokenFile != null ? Optional.of(readToken(tokenFile)) : local.map(Endpoints::token);
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
            .timeout(REQUEST_TIMEOUT)
            .GET();
    token.ifPresent(t -> request.header("authorization", "Bearer " + t));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failed("cannot reach the API at " + base + ": " + e);
    }
    if (response.statusCode() == 401) {
      throw new Failed(
          "the API at "
              + base
              + " refused "
              + (token.isPresent() ? "the token" : "a request without a token")
              + ": "
              + response.body()
              + "; give --api-token-file FILE (or FLEETQ_API_TOKEN_FILE)");
    }
    return response;
  }

  /** The first line of {@code file} that is neither blank nor a {@code #} comment. */
  private static String readToken(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .findFirst()
          .orElseThrow(() -> new Failed("the API token file " + file + " holds no token"));
    } catch (IOException e) {
      throw new Failed("cannot read the API token file " + file + ": " + e);
    }
  }
}
