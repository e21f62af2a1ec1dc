package dev.fleetq.coordinator.api;

import dev.fleetq.coordinator.gate.GateView;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.wire.InvalidMessageException;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/gate/{repoId}}: what the CI gate shows of a repository ({@link GateView}): its
 * queue (the requests it has read and not yet decided, with their count), its baseline (main's
 * commit and the tests that pass on it) and its most recent verdicts, newest first. {@code 400}
 * naming {@code repoId} for a malformed id, {@code 404} for a repository the gate has never seen,
 * {@code 503} when Redis does not answer. The reads run on the API's worker pool.
 *
 * <p>Thread-safe: it holds no state of its own.
 */
final class GateRoutes {
  private static final Logger log = LoggerFactory.getLogger(GateRoutes.class);

  private final GateView gate;
  private final WorkerExecutor blocking;

  GateRoutes(GateView gate, WorkerExecutor blocking) {
    this.gate = gate;
    this.blocking = blocking;
  }

  void mount(Router router) {
    router.get("/v1/gate/:repoId").handler(this::repository);
  }

  private void repository(RoutingContext context) {
    String text = context.pathParam("repoId");
    Reply.sendWhenDone(blocking.executeBlocking(() -> answer(text), false), context);
  }

  private Reply answer(String text) {
    RepoId repo;
    try {
      repo = RepoId.parse(text);
    } catch (InvalidMessageException e) {
      return Reply.invalid(new InvalidMessageException("repoId", e.problem()));
    }
    try {
      return gate.of(repo)
          .map(snapshot -> Reply.of(200, body(snapshot)))
          .orElseGet(() -> Reply.error(404, "the gate has never seen a repository '" + repo + "'"));
    } catch (RuntimeException e) {
      log.warn("Could not read the gate's state of {}", repo, e);
      return Reply.error(503, "the gate's state could not be read: " + e.getMessage());
    }
  }

  private static Map<String, Object> body(GateView.Snapshot snapshot) {
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("count", snapshot.queue().size());
    queue.put("requests", snapshot.queue());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("repoId", snapshot.repo().value());
    body.put("queue", queue);
    snapshot.baseline().ifPresent(baseline -> body.put("baseline", baseline(baseline)));
    body.put("recentVerdicts", snapshot.recentVerdicts());
    snapshot.batchSize().ifPresent(size -> body.put("batchSize", size));
    return body;
  }

  private static Map<String, Object> baseline(GateBaseline baseline) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("commit", baseline.commit());
    body.put("passing", new TreeSet<>(baseline.passing()));
    body.put("measuredAt", baseline.measuredAt());
    return body;
  }
}
