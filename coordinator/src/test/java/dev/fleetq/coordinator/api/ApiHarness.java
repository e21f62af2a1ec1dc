package dev.fleetq.coordinator.api;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.Http;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A running {@link dev.fleetq.coordinator.Coordinator} with the {@link HttpApi} extension on the
 * test's own topics and keys, and an HTTP client to call it. Not thread-safe; one per test.
 */
final class ApiHarness implements AutoCloseable {
  final Harness harness;
  final Topics topics;
  final RedisKeys keys;
  final RedissonClient redis;
  private final Http http;

  /**
   * @param redisUri the devstack's Redis server, or one of the test's own that it stops
   */
  ApiHarness(
      String bootstrapServers,
      String redisUri,
      TestNamespace namespace,
      Path workDir,
      int bodyLimit) {
    this(bootstrapServers, redisUri, namespace, workDir, bodyLimit, ApiTokens.OPEN);
  }

  /**
   * @param tokens the bearer tokens the API requires on {@code /v1}
   */
  ApiHarness(
      String bootstrapServers,
      String redisUri,
      TestNamespace namespace,
      Path workDir,
      int bodyLimit,
      ApiTokens tokens) {
    this.harness = new Harness(bootstrapServers, redisUri, namespace, workDir);
    this.topics = harness.topics();
    this.keys = harness.keys();
    this.redis = harness.redis();
    HttpApi api =
        HttpApi.extension(
            ApiConfig.defaults("127.0.0.1", 0).withBodyLimit(bodyLimit).withTokens(tokens));
    this.http = new Http(api::port);
    harness.start(List.of(api));
  }

  HttpResponse<String> get(String path) {
    return http.get(path);
  }

  HttpResponse<String> post(String path, String body) {
    return http.post(path, body);
  }

  /** A GET with an {@code Authorization} header. */
  HttpResponse<String> get(String path, String authorization) {
    return http.get(path, authorization);
  }

  /** A POST with an {@code Authorization} header. */
  HttpResponse<String> post(String path, String body, String authorization) {
    return http.post(path, body, authorization);
  }

  /** Records a job as the projector does. */
  void project(JobState job) {
    redis.getBucket(keys.job(job.jobId()), StringCodec.INSTANCE).set(Json.encodeToString(job));
    redis
        .getScoredSortedSet(keys.jobs(), StringCodec.INSTANCE)
        .add(job.submittedAt().toEpochMilli(), job.jobId().value());
  }

  /** Records a unit as the projector does. */
  void project(UnitState unit) {
    UnitKey key = unit.key();
    redis.getBucket(keys.unit(key), StringCodec.INSTANCE).set(Json.encodeToString(unit));
    redis.getSet(keys.jobUnits(unit.jobId()), StringCodec.INSTANCE).add(unit.unitId().value());
  }

  @Override
  public void close() {
    harness.close();
  }
}
