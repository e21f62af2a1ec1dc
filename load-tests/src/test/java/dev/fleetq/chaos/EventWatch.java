package dev.fleetq.chaos;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One job's history as the chaos benchmark sees it, read from the events topic from the beginning:
 * each unit's latest status, which worker holds which unit, the attempts that landed, and when the
 * gate gave its verdicts. A verdict is a {@code LANDED}, a {@code SUPERSEDED}, or a {@code
 * RETRYING} of an attempt that was at the gate (pushed or gating). Not thread-safe; owned by the
 * benchmark's thread.
 */
final class EventWatch implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final JobId job;
  private final Map<String, UnitEvent> latest = new HashMap<>();
  private final Map<String, Set<Integer>> landedAttempts = new HashMap<>();
  private final List<Instant> verdicts = new ArrayList<>();
  private final List<UnitEvent> claims = new ArrayList<>();
  private JobStatus status = JobStatus.ACCEPTED;
  private int planned;

  EventWatch(String bootstrap, String topic, JobId job) {
    this.job = job;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads what arrived, waiting at most {@code wait}. */
  void poll(Duration wait) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
      Event event = Json.decode(record.value(), Event.class);
      if (event instanceof JobEvent j && j.jobId().equals(job)) {
        status = j.status();
        planned = Math.max(planned, j.unitCount());
      } else if (event instanceof UnitEvent u && u.jobId().equals(job)) {
        add(u);
      }
    }
  }

  private void add(UnitEvent event) {
    String unit = event.unitId().value();
    UnitEvent before = latest.get(unit);
    if (before == null || event.attempt() >= before.attempt()) {
      latest.put(unit, event);
    }
    if (event.status() == UnitStatus.LANDED) {
      landedAttempts.computeIfAbsent(unit, u -> new HashSet<>()).add(event.attempt());
    }
    if (event.status() == UnitStatus.CLAIMED) {
      claims.add(event);
    }
    boolean gateRefused =
        event.status() == UnitStatus.RETRYING
            && before != null
            && before.attempt() == event.attempt()
            && (before.status() == UnitStatus.PUSHED || before.status() == UnitStatus.GATING);
    if (event.status() == UnitStatus.LANDED
        || event.status() == UnitStatus.SUPERSEDED
        || gateRefused) {
      verdicts.add(event.at());
    }
  }

  boolean ended() {
    return status == JobStatus.SUCCEEDED
        || status == JobStatus.FAILED
        || status == JobStatus.CANCELLED;
  }

  JobStatus status() {
    return status;
  }

  int planned() {
    return planned;
  }

  /** Units whose latest event is not an end: neither landed, superseded, failed nor cancelled. */
  long unfinished() {
    long seenUnfinished = latest.values().stream().filter(e -> !e.status().isTerminal()).count();
    return seenUnfinished + Math.max(0, planned - latest.size());
  }

  long landed() {
    return latest.values().stream().filter(e -> e.status().isOnMain()).count();
  }

  /** Units with a {@code LANDED} event for more than one attempt. */
  long landedTwice() {
    return landedAttempts.values().stream().filter(a -> a.size() > 1).count();
  }

  /** The units that {@code worker} claimed and whose latest event still names it as running. */
  Set<String> heldBy(WorkerId worker) {
    Set<String> held = new HashSet<>();
    latest.forEach(
        (unit, event) -> {
          if (Objects.equals(event.worker(), worker)
              && (event.status() == UnitStatus.CLAIMED || event.status() == UnitStatus.RUNNING)) {
            held.add(unit);
          }
        });
    return held;
  }

  /** When {@code unit} was first claimed by a worker other than {@code worker} after {@code at}. */
  Instant claimedElsewhereAfter(String unit, WorkerId worker, Instant at) {
    return claims.stream()
        .filter(e -> e.unitId().value().equals(unit))
        .filter(e -> !Objects.equals(e.worker(), worker))
        .map(UnitEvent::at)
        .filter(t -> t.isAfter(at))
        .min(Instant::compareTo)
        .orElse(null);
  }

  /** The first verdict after {@code at}, or null. */
  Instant verdictAfter(Instant at) {
    return verdicts.stream().filter(t -> t.isAfter(at)).min(Instant::compareTo).orElse(null);
  }

  /** The longest gap between two verdicts, or between the last one and {@code end}. */
  Duration longestWithoutVerdict(Instant end) {
    List<Instant> sorted = verdicts.stream().sorted().toList();
    Duration longest = Duration.ZERO;
    for (int i = 1; i <= sorted.size(); i++) {
      Instant next = i < sorted.size() ? sorted.get(i) : ended() ? sorted.get(i - 1) : end;
      Duration gap = Duration.between(sorted.get(i - 1), next);
      longest = gap.compareTo(longest) > 0 ? gap : longest;
    }
    return longest;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
