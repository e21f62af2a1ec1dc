package dev.fleetq.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers whether Kafka and Redis are reachable, each with one bounded round trip.
 *
 * <p>Thread-safe: the clients are.
 */
final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);

  private final Admin admin;
  private final RedissonClient redisson;
  private final String probeKey;
  private final Duration timeout;

  Health(Admin admin, RedissonClient redisson, String probeKey, Duration timeout) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.redisson = Objects.requireNonNull(redisson, "redisson");
    this.probeKey = Objects.requireNonNull(probeKey, "probeKey");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  boolean kafkaReachable() {
    try {
      return !admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
          .nodes()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .isEmpty();
    } catch (Exception e) {
      return unreachable("Kafka", e);
    }
  }

  boolean redisReachable() {
    try {
      redisson
          .getKeys()
          .countExistsAsync(probeKey)
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return unreachable("Redis", e);
    }
  }

  private static boolean unreachable(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    log.debug("{} is unreachable", what, e);
    return false;
  }
}
