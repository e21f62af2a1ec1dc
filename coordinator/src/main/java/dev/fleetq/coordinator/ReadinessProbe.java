package dev.fleetq.coordinator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.redisson.api.RedissonClient;

/**
 * Asks Kafka and Redis, both at once, whether they answer within the probe timeout, and adds what
 * each said to the findings about the coordinator's own parts.
 *
 * <p>Thread-safe; a probe blocks its caller for at most about the probe timeout.
 */
final class ReadinessProbe {
  private final Admin admin;
  private final RedissonClient redis;
  private final String kafkaName;
  private final String redisKey;
  private final Duration timeout;

  /**
   * @param redisKey a key whose existence the Redis probe asks about; any key will do
   */
  ReadinessProbe(Admin admin, RedissonClient redis, CoordinatorConfig config, String redisKey) {
    this.admin = admin;
    this.redis = redis;
    this.kafkaName = "Kafka (" + config.bootstrapServers() + ")";
    this.redisKey = redisKey;
    this.timeout = config.probeTimeout();
  }

  /** The findings about the parts, followed by those of Kafka and Redis. */
  Readiness probe(Map<String, String> parts) {
    CompletableFuture<String> kafka = check(kafkaName, this::kafkaAnswers);
    CompletableFuture<String> redisFinding = check("Redis", this::redisAnswers);
    Map<String, String> checks = new LinkedHashMap<>(parts);
    checks.put("kafka", kafka.join());
    checks.put("redis", redisFinding.join());
    return new Readiness(checks);
  }

  private CompletionStage<?> kafkaAnswers() {
    return admin
        .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
        .clusterId()
        .toCompletionStage();
  }

  private CompletionStage<?> redisAnswers() {
    return redis.getKeys().countExistsAsync(redisKey);
  }

  /** {@value Readiness#OK}, or what went wrong; never fails, completes within the timeout. */
  private CompletableFuture<String> check(String name, Supplier<CompletionStage<?>> call) {
    CompletableFuture<String> finding = new CompletableFuture<>();
    try {
      call.get()
          .whenComplete(
              (answer, failure) ->
                  finding.complete(failure == null ? Readiness.OK : failed(name, failure)));
    } catch (RuntimeException e) {
      finding.complete(failed(name, e));
    }
    return finding.completeOnTimeout(
        name + " did not answer within " + timeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String failed(String name, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return name + " failed: " + cause;
  }
}
