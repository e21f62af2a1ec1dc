package dev.fleetq.coordinator.api;

import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response as the API's handlers compute it off the event loop: a status and a body that is
 * encoded with fleetq's JSON codec. Errors always read {@code {"error": "..."}}; input errors add
 * the JSON {@code path} and the {@code problem}. Immutable and thread-safe.
 *
 * @param status the HTTP status
 * @param body what to encode as the JSON body
 */
record Reply(int status, Object body) {
  static Reply of(int status, Object body) {
    return new Reply(status, body);
  }

  static Reply error(int status, String message) {
    return new Reply(status, Map.of("error", message));
  }

  /** {@code 400} for input that does not decode or validate, naming the offending field. */
  static Reply invalid(InvalidMessageException e) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    body.put("path", e.path());
    body.put("problem", e.problem());
    return new Reply(400, body);
  }

  /**
   * Writes the reply once the worker pool has computed it, or {@code 500} when computing it failed
   * unexpectedly; on the event loop.
   */
  static void sendWhenDone(Future<Reply> reply, RoutingContext context) {
    reply.onComplete(
        done -> {
          if (done.succeeded()) {
            done.result().send(context);
          } else {
            error(500, "internal error: " + done.cause()).send(context);
          }
        });
  }

  /** Writes the reply; on the event loop. */
  void send(RoutingContext context) {
    HttpServerResponse response = context.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(Json.encodeToString(body));
  }
}
