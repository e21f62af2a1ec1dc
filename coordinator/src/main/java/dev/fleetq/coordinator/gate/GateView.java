package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.QueuedRequest;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gate shows of a repository, read from Redis: the requests waiting for it (its {@code
 * GateQueue}), its baseline, its most recent verdicts (its {@code VerdictLog}) and its batch size
 * (its {@code BatchSizes}, as of its last batch). Reading Redis rather than the gate's memory lets
 * the HTTP API of any coordinator answer, whichever coordinator's gate owns the repository. An
 * entry that does not decode is left out and logged.
 *
 * <p>Thread-safe: each read is one Redis command.
 */
public final class GateView {
  private static final Logger log = LoggerFactory.getLogger(GateView.class);

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final Baselines baselines;

  public GateView(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
    this.baselines = new Baselines(redis, keys);
  }

  /**
   * The repository as the gate shows it, or empty when the gate has never seen it: no baseline, no
   * queued request and no verdict.
   */
  public Optional<Snapshot> of(RepoId repo) {
    List<QueuedRequest> queue = queue(repo);
    Optional<GateBaseline> baseline = baselines.current(repo);
    List<GateVerdict> verdicts = recentVerdicts(repo);
    if (queue.isEmpty() && baseline.isEmpty() && verdicts.isEmpty()) {
      return Optional.empty();
    }
    Long size = redis.<Long>getBucket(keys.gateBatchSize(repo), LongCodec.INSTANCE).get();
    return Optional.of(
        new Snapshot(
            repo,
            queue,
            baseline,
            verdicts,
            size == null ? OptionalInt.empty() : OptionalInt.of(size.intValue())));
  }

  private List<QueuedRequest> queue(RepoId repo) {
    return redis
        .<String, String>getMap(keys.gateQueue(repo), StringCodec.INSTANCE)
        .readAllValues()
        .stream()
        .flatMap(json -> decode(json, QueuedRequest.class, keys.gateQueue(repo)))
        .sorted(Comparator.comparing(QueuedRequest::receivedAt))
        .toList();
  }

  private List<GateVerdict> recentVerdicts(RepoId repo) {
    return redis
        .<String>getList(keys.gateVerdicts(repo), StringCodec.INSTANCE)
        .range(0, VerdictLog.KEPT - 1)
        .stream()
        .flatMap(json -> decode(json, GateVerdict.class, keys.gateVerdicts(repo)))
        .toList();
  }

  private static <T> Stream<T> decode(String json, Class<T> type, String key) {
    try {
      return Stream.of(Json.decode(json, type));
    } catch (InvalidMessageException e) {
      log.warn("Leaving out an unreadable entry of {}: {}", key, e.getMessage());
      return Stream.empty();
    }
  }

  /**
   * A repository as the gate shows it.
   *
   * @param repo the repository
   * @param queue the requests the gate has read and not yet decided, oldest first
   * @param baseline main's commit and the tests that pass on it, when measured
   * @param recentVerdicts the most recent verdicts, newest first
   * @param batchSize how many of its requests the gate takes into its next batch, once it has
   *     decided one
   */
  public record Snapshot(
      RepoId repo,
      List<QueuedRequest> queue,
      Optional<GateBaseline> baseline,
      List<GateVerdict> recentVerdicts,
      OptionalInt batchSize) {
    /** Copies the lists. */
    public Snapshot {
      queue = List.copyOf(queue);
      recentVerdicts = List.copyOf(recentVerdicts);
    }
  }
}
