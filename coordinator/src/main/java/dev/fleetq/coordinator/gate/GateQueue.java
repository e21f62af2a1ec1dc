package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.state.QueuedRequest;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's queue: every request this gate has read and not yet decided. {@link #size()} says how
 * many wait for this gate right now. Each repository's queue is mirrored to Redis ({@link
 * RedisKeys#gateQueue}, a hash from the record's place, {@code topic-partition@offset}, to a {@link
 * QueuedRequest}) so that the HTTP API of any coordinator can show it.
 *
 * <p>A request is put in Redis when the gate reads it and removed once its verdict is recorded,
 * before its offset is committed. A request the gate reads and hands back undecided (its partition
 * revoked, the gate closing) is forgotten here but stays in Redis, because it is still waiting:
 * whoever reads the partition next puts it under the same field again and removes it when it is
 * decided. The mirror is a view: a failure to write it is logged and never stops the gate.
 *
 * <p>Thread-safe: the poll thread adds and forgets, executor threads remove.
 */
final class GateQueue {
  private static final Logger log = LoggerFactory.getLogger(GateQueue.class);

  private final RedissonClient redis;
  private final RedisKeys keys;
  private final Clock clock;
  private final Map<Place, RepoId> queued = new ConcurrentHashMap<>();

  GateQueue(RedissonClient redis, RedisKeys keys, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.clock = clock;
  }

  /** How many requests this gate has read and not decided, of every repository. */
  int size() {
    return queued.size();
  }

  /** How many requests of the repository this gate has read and not decided. */
  long size(RepoId repo) {
    return queued.values().stream().filter(repo::equals).count();
  }

  /**
   * Queues the readable requests among records just read from the partition; an unreadable record
   * is not a request, and is dead-lettered when its batch is decided.
   */
  void received(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records) {
    Map<RepoId, Map<String, String>> byRepo = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      GateRequest request;
      try {
        request =
            Json.decode(record.value() == null ? new byte[0] : record.value(), GateRequest.class);
      } catch (InvalidMessageException e) {
        continue;
      }
      Place place = new Place(partition, record.offset());
      queued.put(place, request.repoId());
      QueuedRequest entry =
          new QueuedRequest(
              request.jobId(),
              request.unitId(),
              request.attempt(),
              request.worker(),
              request.candidateCommit(),
              clock.instant());
      byRepo
          .computeIfAbsent(request.repoId(), r -> new HashMap<>())
          .put(place.field(), Json.encodeToString(entry));
    }
    byRepo.forEach(
        (repo, entries) -> {
          try {
            redis
                .<String, String>getMap(keys.gateQueue(repo), StringCodec.INSTANCE)
                .putAll(entries);
          } catch (RuntimeException e) {
            log.warn(
                "Could not show {} queued requests of {}: {}", entries.size(), repo, e.toString());
          }
        });
  }

  /** Removes a request whose verdict (or dead letter) is recorded. */
  void decided(ConsumerRecord<byte[], byte[]> record, RepoId repo) {
    Place place =
        new Place(new TopicPartition(record.topic(), record.partition()), record.offset());
    queued.remove(place);
    try {
      redis
          .<String, String>getMap(keys.gateQueue(repo), StringCodec.INSTANCE)
          .fastRemove(place.field());
    } catch (RuntimeException e) {
      log.warn("Could not remove {} from the queue of {}: {}", place.field(), repo, e.toString());
    }
  }

  /** Forgets the partition's requests, which this gate hands back undecided; Redis keeps them. */
  void forget(TopicPartition partition) {
    queued.keySet().removeIf(place -> place.partition().equals(partition));
  }

  /** Where a request is on the gate topic. */
  private record Place(TopicPartition partition, long offset) {
    String field() {
      return partition + "@" + offset;
    }
  }
}
