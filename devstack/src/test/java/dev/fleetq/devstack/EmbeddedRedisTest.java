package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.EmbeddedRedisConfig.RedisBinary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;

/** Each test runs its own Redis server, since stopping the shared one would disturb other tests. */
class EmbeddedRedisTest {
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(10);

  @Test
  void clientWorksAgainAfterTheServerRestartsOnTheSamePort() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.create(EmbeddedRedisConfig.defaults()).start()) {
      RedissonClient client = RedissonClients.connect(redis.uri(), Duration.ofSeconds(2));
      try {
        RBucket<String> bucket = client.getBucket("fleetq:restart");
        bucket.set("before");
        int port = redis.port();

        redis.stop();

        assertThat(redis.isRunning()).as("running after stop").isFalse();
        assertThatThrownBy(() -> bucket.getAsync().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .as("a command while Redis is down")
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(RedisException.class);

        redis.restart();

        assertThat(redis.port()).as("port after restart").isEqualTo(port);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> {
                  bucket.setAsync("after").toCompletableFuture().get(2, TimeUnit.SECONDS);
                  return "after"
                      .equals(bucket.getAsync().toCompletableFuture().get(2, TimeUnit.SECONDS));
                });
      } finally {
        RedissonClients.shutdown(client);
      }
    }
  }

  @Test
  void serverWithADataDirKeepsItsDataAcrossAFreshStart(@TempDir Path dir) throws Exception {
    EmbeddedRedisConfig config = EmbeddedRedisConfig.defaults().withDataDir(dir.resolve("redis"));
    try (EmbeddedRedis first = EmbeddedRedis.create(config).start()) {
      RedissonClient client = RedissonClients.connect(first.uri(), Duration.ofSeconds(2));
      try {
        client
            .<String>getBucket("fleetq:kept")
            .setAsync("survives")
            .toCompletableFuture()
            .get(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS);
      } finally {
        RedissonClients.shutdown(client);
      }
    }

    try (EmbeddedRedis second = EmbeddedRedis.create(config).start()) {
      RedissonClient client = RedissonClients.connect(second.uri(), Duration.ofSeconds(2));
      try {
        assertThat(
                client
                    .<String>getBucket("fleetq:kept")
                    .getAsync()
                    .toCompletableFuture()
                    .get(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS))
            .as("value written before the first server closed")
            .isEqualTo("survives");
      } finally {
        RedissonClients.shutdown(client);
      }
    }
  }

  @Test
  void bundledBinaryServesWhereNoRedisIsInstalled() throws Exception {
    try (EmbeddedRedis redis =
        EmbeddedRedis.create(EmbeddedRedisConfig.defaults().withBinary(RedisBinary.BUNDLED))
            .start()) {
      RedissonClient client = RedissonClients.connect(redis.uri(), Duration.ofSeconds(2));
      try {
        RBucket<String> bucket = client.getBucket("fleetq:bundled");
        bucket
            .setAsync("value")
            .toCompletableFuture()
            .get(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(bucket.getAsync().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .as("value read back from the bundled server")
            .isEqualTo("value");
      } finally {
        RedissonClients.shutdown(client);
      }
    }
  }

  @Test
  void closeEndsTheServerProcess() {
    EmbeddedRedis redis = EmbeddedRedis.create(EmbeddedRedisConfig.defaults()).start();
    int port = redis.port();
    ProcessHandle server = redis.processHandle().orElseThrow();

    redis.close();

    assertThat(server.isAlive()).as("redis-server process alive after close").isFalse();
    assertThat(RedisPing.answers(port)).as("PING answered after close").isFalse();
  }
}
