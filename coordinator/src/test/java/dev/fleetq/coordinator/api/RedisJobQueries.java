package dev.fleetq.coordinator.api;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.wire.Json;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@link JobQueries} read straight from the projector's Redis keys, as the tests write them: {@code
 * job:{jobId}} and {@code unit:{unitKey}} hold JSON, {@code jobs} is a sorted set of job ids scored
 * by submission time, {@code job-units:{jobId}} a set of unit ids. The coordinator's own {@code
 * JobStates} takes its place in production. Thread-safe.
 */
final class RedisJobQueries implements JobQueries {
  private final RedissonClient redis;
  private final RedisKeys keys;

  RedisJobQueries(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public Optional<JobState> job(JobId job) {
    return Optional.ofNullable(read(keys.job(job))).map(json -> Json.decode(json, JobState.class));
  }

  @Override
  public List<JobState> jobs(int limit) {
    Collection<String> ids =
        redis
            .<String>getScoredSortedSet(keys.jobs(), StringCodec.INSTANCE)
            .valueRangeReversed(0, limit - 1);
    return ids.stream().map(JobId::parse).map(this::job).flatMap(Optional::stream).toList();
  }

  @Override
  public List<UnitState> units(JobId job) {
    return redis.<String>getSet(keys.jobUnits(job), StringCodec.INSTANCE).readAll().stream()
        .sorted()
        .map(unit -> read(keys.unit(new UnitKey(job, UnitId.parse(unit)))))
        .filter(Objects::nonNull)
        .map(json -> Json.decode(json, UnitState.class))
        .toList();
  }

  private String read(String key) {
    return redis.<String>getBucket(key, StringCodec.INSTANCE).get();
  }
}
