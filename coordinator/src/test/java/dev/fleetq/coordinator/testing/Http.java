package dev.fleetq.coordinator.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntSupplier;

/** Calls a server on {@code 127.0.0.1}, every call bounded. Thread-safe. */
public final class Http {
  /** The bound on connecting and on each call. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final IntSupplier port;

  /**
   * @param port the server's port, asked at each call
   */
  public Http(IntSupplier port) {
    this.port = port;
  }

  public HttpResponse<String> get(String path) {
    return call(HttpRequest.newBuilder(uri(path)).GET());
  }

  public HttpResponse<String> post(String path, String body) {
    return call(
        HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A GET with an {@code Authorization} header. */
  public HttpResponse<String> get(String path, String authorization) {
    return call(HttpRequest.newBuilder(uri(path)).header("authorization", authorization).GET());
  }

  /** A POST with an {@code Authorization} header. */
  public HttpResponse<String> post(String path, String body, String authorization) {
    return call(
        HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .header("authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
  }

  private HttpResponse<String> call(HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("HTTP call failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
