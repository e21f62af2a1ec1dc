package dev.fleetq.coordinator.state;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Reads and writes the projection in Redis: {@code unit:{unitKey}} and {@code job:{jobId}} as JSON,
 * {@code job-units:{jobId}} as a set of unit ids, and {@code jobs} as a sorted set of job ids
 * scored by submission time in epoch milliseconds. Everything is stored as plain UTF-8 strings
 * ({@link StringCodec}) so that every component, and {@code redis-cli}, reads the same values.
 *
 * <p>Thread-safe; only the projector writes.
 */
final class StateStore {
  private final RedissonClient redis;
  private final RedisKeys keys;

  StateStore(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** The unit's projected state, or null before its first event. */
  UnitState unit(UnitKey key) {
    String json = bucket(keys.unit(key)).get();
    return json == null ? null : Json.decode(json, UnitState.class);
  }

  /** Stores the unit's state and lists it under its job. */
  void putUnit(UnitState unit) {
    bucket(keys.unit(unit.key())).set(Json.encodeToString(unit));
    redis
        .<String>getSet(keys.jobUnits(unit.jobId()), StringCodec.INSTANCE)
        .add(unit.unitId().value());
  }

  /** The job's projected state, or null before its first event. */
  JobState job(JobId job) {
    String json = bucket(keys.job(job)).get();
    return json == null ? null : Json.decode(json, JobState.class);
  }

  /** Stores the job's state and lists it among all jobs. */
  void putJob(JobState job) {
    bucket(keys.job(job.jobId())).set(Json.encodeToString(job));
    redis
        .<String>getScoredSortedSet(keys.jobs(), StringCodec.INSTANCE)
        .add(job.submittedAt().toEpochMilli(), job.jobId().value());
  }

  /** The ids of the job's units that have had an event. */
  List<UnitId> unitIds(JobId job) {
    return redis.<String>getSet(keys.jobUnits(job), StringCodec.INSTANCE).readAll().stream()
        .sorted()
        .map(UnitId::parse)
        .toList();
  }

  /** The job's units in the order of their ids. */
  List<UnitState> units(JobId job) {
    List<UnitId> ids = unitIds(job);
    String[] names = ids.stream().map(id -> keys.unit(new UnitKey(job, id))).toArray(String[]::new);
    return read(names, UnitState.class).stream()
        .sorted(Comparator.comparing(unit -> unit.unitId().value()))
        .toList();
  }

  /** Up to {@code limit} jobs, most recently submitted first. */
  List<JobState> jobs(int limit) {
    if (limit < 1) {
      return List.of();
    }
    List<String> ids =
        List.copyOf(
            redis
                .<String>getScoredSortedSet(keys.jobs(), StringCodec.INSTANCE)
                .valueRangeReversed(0, limit - 1));
    String[] names = ids.stream().map(id -> keys.job(JobId.parse(id))).toArray(String[]::new);
    Map<String, JobState> byName = readByName(names, JobState.class);
    List<JobState> jobs = new ArrayList<>(ids.size());
    for (String name : names) {
      JobState job = byName.get(name);
      if (job != null) {
        jobs.add(job);
      }
    }
    return jobs;
  }

  /** The unit's latest published attempt, or null when none was published. */
  WorkUnit spec(UnitKey key) {
    String json = bucket(keys.unitSpec(key)).get();
    return json == null ? null : Json.decode(json, WorkUnit.class);
  }

  /** The latest published attempts of {@code units}, by unit; units never published are absent. */
  Map<UnitKey, WorkUnit> specs(List<UnitKey> units) {
    String[] names = units.stream().map(keys::unitSpec).toArray(String[]::new);
    Map<String, WorkUnit> byName = readByName(names, WorkUnit.class);
    Map<UnitKey, WorkUnit> specs = new HashMap<>();
    for (UnitKey unit : units) {
      WorkUnit spec = byName.get(keys.unitSpec(unit));
      if (spec != null) {
        specs.put(unit, spec);
      }
    }
    return specs;
  }

  /** The repository's newest gate baseline, or null when the gate has stored none. */
  GateBaseline baseline(RepoId repo) {
    String json = bucket(keys.gate(repo)).get();
    return json == null ? null : Json.decode(json, GateBaseline.class);
  }

  /** Marks the unit landed as {@code commit} for good, unless it has a landing mark already. */
  void keepLanded(UnitKey key, String commit) {
    if (!commit.isBlank()) {
      bucket(keys.landed(key)).setIfAbsent(commit);
    }
  }

  /** The commit the gate landed the unit as, or null. */
  String landedCommit(UnitKey key) {
    return bucket(keys.landed(key)).get();
  }

  private <T> List<T> read(String[] names, Class<T> type) {
    return List.copyOf(readByName(names, type).values());
  }

  private <T> Map<String, T> readByName(String[] names, Class<T> type) {
    if (names.length == 0) {
      return Map.of();
    }
    Map<String, String> found = redis.getBuckets(StringCodec.INSTANCE).get(names);
    Map<String, T> decoded = new HashMap<>();
    found.forEach((name, json) -> decoded.put(name, Json.decode(json, type)));
    return decoded;
  }

  private RBucket<String> bucket(String name) {
    return redis.getBucket(name, StringCodec.INSTANCE);
  }
}
