package dev.fleetq.coordinator;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/**
 * Builds the coordinator's Redisson client: every command bounded by the Redis timeout, a couple of
 * retries, and a lock watchdog timeout equal to the leader lease, which is the only lock the
 * coordinator takes.
 *
 * <p>Stateless and thread-safe.
 */
final class RedisClients {
  private static final int RETRY_ATTEMPTS = 2;
  private static final Duration RETRY_DELAY = Duration.ofMillis(200);

  private RedisClients() {}

  static RedissonClient connect(CoordinatorConfig config) {
    int timeout = (int) config.redisTimeout().toMillis();
    Config redisson = new Config();
    redisson.setLockWatchdogTimeout(config.leaderLease().toMillis());
    redisson.setThreads(2);
    redisson.setNettyThreads(4);
    redisson
        .useSingleServer()
        .setAddress(config.redisUri())
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(8)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(2)
        .setConnectTimeout(timeout)
        .setTimeout(timeout)
        .setRetryAttempts(RETRY_ATTEMPTS)
        .setRetryDelay(new ConstantDelay(RETRY_DELAY));
    return Redisson.create(redisson);
  }

  static void shutdown(RedissonClient client, Duration timeout) {
    client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
