package dev.fleetq.coordinator.api;

import dev.fleetq.coordinator.testing.TestClients;
import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A running {@link HttpApi} on its own topics and keys, the clients it borrows, and an HTTP client
 * to call it. Not thread-safe; one per test.
 */
final class ApiHarness implements AutoCloseable {
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

  final Topics topics;
  final RedisKeys keys;
  final RedissonClient redis;
  private final Vertx vertx = Vertx.vertx();
  private final KafkaProducer<String, byte[]> producer;
  private final Admin admin;
  private final HttpApi api;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

  ApiHarness(String bootstrapServers, String redisUri, String namespaceId, int bodyLimit) {
    this.topics = new Topics(namespaceId + ".fleetq.");
    this.keys = new RedisKeys(namespaceId + ":fleetq:");
    this.redis = TestClients.redis(redisUri);
    this.producer = TestClients.producer(bootstrapServers);
    this.admin = Admin.create(ClientConfigs.admin(bootstrapServers));
    ApiConfig config =
        ApiConfig.defaults("127.0.0.1", 0, bootstrapServers)
            .withTopics(topics)
            .withBodyLimit(bodyLimit);
    this.api =
        new HttpApi(
            vertx,
            config,
            new RedisJobQueries(redis, keys),
            producer,
            admin,
            redis,
            Clock.systemUTC(),
            new SecureRandom());
    api.start();
  }

  HttpResponse<String> get(String path) {
    return call(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> post(String path, String body) {
    return call(
        HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
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

  static JobId job(String id) {
    return JobId.parse(id);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }

  private HttpResponse<String> call(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(HTTP_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("HTTP call failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      api.close();
    } finally {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .orTimeout(10, TimeUnit.SECONDS)
          .join();
      producer.close(ClientConfigs.CLOSE_TIMEOUT);
      admin.close(ClientConfigs.CLOSE_TIMEOUT);
      TestClients.shutdown(redis);
    }
  }
}
