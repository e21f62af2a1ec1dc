package dev.fleetq.coordinator.plan;

import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.util.Optional;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository's gate baseline, {@code gate:{repoId}}, as JSON in a plain string. Two writers share
 * it: the planner offers the baseline it measured when it plans a job, and the gate offers one each
 * time it measures main or lands on it. Both go through {@link #offer}, under one rule: the newest
 * measurement wins. {@code measuredAt} is when main was read at the measured commit (the clone or
 * fetch before the tests ran, or the push of a landing), so a slow measurement of an older main
 * never replaces a landing's baseline, and the write is a compare-and-set, so two writers at the
 * same moment never lose the newer one. A baseline that is not the newest is only ever a wasted
 * test run: the gate uses one only when its commit is main's head.
 *
 * <p>Thread-safe.
 */
public final class Baselines {
  private static final int MAX_TRIES = 5;
  private static final Logger log = LoggerFactory.getLogger(Baselines.class);

  private final RedissonClient redis;
  private final RedisKeys keys;

  public Baselines(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * The repository's baseline, or empty when none was measured or the stored one is unreadable (the
   * next measurement replaces it).
   */
  public Optional<GateBaseline> current(RepoId repo) {
    String json = bucket(repo).get();
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.decode(json, GateBaseline.class));
    } catch (InvalidMessageException e) {
      log.warn(
          "The baseline of {} is unreadable and will be measured again: {}", repo, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Stores the baseline unless a newer one is there.
   *
   * @return whether it was stored
   */
  public boolean offer(GateBaseline baseline) {
    RBucket<String> bucket = bucket(baseline.repo());
    String json = Json.encodeToString(baseline);
    for (int i = 0; i < MAX_TRIES; i++) {
      String current = bucket.get();
      if (current == null) {
        if (bucket.setIfAbsent(json)) {
          return true;
        }
      } else if (isNewer(current, baseline)) {
        return false;
      } else if (bucket.compareAndSet(current, json)) {
        return true;
      }
    }
    return false;
  }

  private RBucket<String> bucket(RepoId repo) {
    return redis.getBucket(keys.gate(repo), StringCodec.INSTANCE);
  }

  private static boolean isNewer(String current, GateBaseline ours) {
    try {
      return Json.decode(current, GateBaseline.class).measuredAt().isAfter(ours.measuredAt());
    } catch (InvalidMessageException e) {
      // An unreadable baseline helps no one; ours replaces it.
      return false;
    }
  }
}
