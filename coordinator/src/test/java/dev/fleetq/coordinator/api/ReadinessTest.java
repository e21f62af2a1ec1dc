package dev.fleetq.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.EmbeddedRedis;
import dev.fleetq.devstack.EmbeddedRedisConfig;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness, the coordinator's own as the HTTP API shows it, follows Redis. The test stops a Redis
 * server of its own rather than the shared one, so no other test sees it go.
 */
@WithDevStack
class ReadinessTest {
  @TempDir Path dir;

  @Test
  void readinessFailsNamingRedisWhileRedisIsDown(DevStack stack, TestNamespace namespace) {
    try (EmbeddedRedis redis = EmbeddedRedis.create(EmbeddedRedisConfig.defaults()).start();
        ApiHarness api =
            new ApiHarness(
                stack.bootstrapServers(), redis.uri(), namespace, dir.resolve("work"), 1024)) {
      assertThat(api.get("/readyz").statusCode()).as("readyz with Redis up").isEqualTo(200);

      redis.stop();
      try {
        HttpResponse<String> down = api.get("/readyz");
        JsonObject body = new JsonObject(down.body());

        assertThat(down.statusCode()).as("readyz with Redis down").isEqualTo(503);
        assertThat(body.getString("kafka")).as("kafka check").isEqualTo("ok");
        assertThat(body.getString("redis")).as("redis check").startsWith("Redis");
        assertThat(api.get("/healthz").statusCode()).as("healthz with Redis down").isEqualTo(200);
      } finally {
        redis.start();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/readyz").statusCode() == 200);
    }
  }
}
