package dev.fleetq.coordinator.api;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.redisson.api.RedissonClient;

/**
 * {@code /healthz} (the process serves) and {@code /readyz} (Kafka and Redis both answer within
 * {@link ApiConfig#readinessTimeout()}; otherwise {@code 503} saying which did not). Both checks
 * use asynchronous client calls, so nothing blocks the event loop.
 *
 * <p>Thread-safe: it holds no state of its own.
 */
final class HealthRoutes {
  private final ApiConfig config;
  private final Admin admin;
  private final RedissonClient redis;

  HealthRoutes(ApiConfig config, Admin admin, RedissonClient redis) {
    this.config = config;
    this.admin = admin;
    this.redis = redis;
  }

  void mount(Router router) {
    router
        .get("/healthz")
        .handler(context -> Reply.of(200, Map.of("status", "serving")).send(context));
    router.get("/readyz").handler(this::ready);
  }

  private void ready(RoutingContext context) {
    CompletableFuture<String> kafka =
        check(kafkaAnswers(), "Kafka (" + config.bootstrapServers() + ")");
    CompletableFuture<String> redisCheck = check(redisAnswers(), "Redis");
    Future.fromCompletionStage(
            kafka.thenCombine(redisCheck, this::verdict), context.vertx().getOrCreateContext())
        .onComplete(done -> done.result().send(context));
  }

  private Reply verdict(String kafka, String redisState) {
    Map<String, String> body = new LinkedHashMap<>();
    boolean ready = kafka.equals("ok") && redisState.equals("ok");
    body.put("status", ready ? "ready" : "unavailable");
    body.put("kafka", kafka);
    body.put("redis", redisState);
    if (!ready) {
      StringBuilder error = new StringBuilder();
      if (!kafka.equals("ok")) {
        error.append(kafka);
      }
      if (!redisState.equals("ok")) {
        error.append(error.length() > 0 ? "; " : "").append(redisState);
      }
      body.put("error", error.toString());
    }
    return Reply.of(ready ? 200 : 503, body);
  }

  private CompletableFuture<?> kafkaAnswers() {
    int timeout = (int) config.readinessTimeout().toMillis();
    return admin
        .describeCluster(new DescribeClusterOptions().timeoutMs(timeout))
        .clusterId()
        .toCompletionStage()
        .toCompletableFuture();
  }

  private CompletableFuture<?> redisAnswers() {
    return redis.getKeys().countAsync().toCompletableFuture();
  }

  /** "ok", or what went wrong; never fails, and completes within the readiness timeout. */
  private CompletableFuture<String> check(CompletableFuture<?> call, String name) {
    return call.orTimeout(config.readinessTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (ignored, failure) -> {
              if (failure == null) {
                return "ok";
              }
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              return cause instanceof TimeoutException
                  ? name + " did not answer within " + config.readinessTimeout()
                  : name + " failed: " + cause;
            });
  }
}
