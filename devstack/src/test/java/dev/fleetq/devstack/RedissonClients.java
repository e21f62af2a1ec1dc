package dev.fleetq.devstack;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.EqualJitterDelay;

/**
 * Redisson clients for tests: short timeouts, few retries, quick reconnects, a short lock watchdog.
 */
final class RedissonClients {
  static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private RedissonClients() {}

  static RedissonClient connect(String redisUri, Duration lockWatchdogTimeout) {
    Config config = new Config();
    config.setLockWatchdogTimeout(lockWatchdogTimeout.toMillis());
    config.setThreads(2);
    config.setNettyThreads(4);
    config
        .useSingleServer()
        .setAddress(redisUri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(4)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(2)
        .setConnectTimeout((int) COMMAND_TIMEOUT.toMillis())
        .setTimeout((int) COMMAND_TIMEOUT.toMillis())
        .setRetryAttempts(1)
        .setRetryDelay(new ConstantDelay(Duration.ofMillis(200)))
        .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(100), Duration.ofMillis(500)));
    return Redisson.create(config);
  }

  static void shutdown(RedissonClient client) {
    client.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
