package dev.fleetq.coordinator.setup;

import dev.fleetq.model.wire.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure fleetq's seven topics exist and are ready before anyone produces, and that the
 * workers' and the executors' share groups start at the earliest offset. Safe to run on every start
 * and from several coordinators at once: an existing topic is left as it is, whatever its partition
 * count.
 *
 * <p>Ready means every partition has a leader: {@code createTopics} returns once the controller
 * knows the topic, a moment before the broker leads its partitions, and an idempotent producer that
 * writes in that moment can lose its first batch to {@code OutOfOrderSequence}. A {@code
 * ListOffsets} request is answered only by a partition's leader, so its success is the signal.
 *
 * <p>Not thread-safe; run it from the thread that starts the coordinator.
 */
public final class KafkaProvisioner {
  /** Partitions of the jobs topic: jobs are few and planned on a bounded pool. */
  public static final int JOBS_PARTITIONS = 3;

  /** Partitions of the events topic, keyed by job: the projector's parallelism across nodes. */
  public static final int EVENTS_PARTITIONS = 6;

  /** Partitions of the gate topic, keyed by repository: the gate's parallelism across nodes. */
  public static final int GATE_PARTITIONS = 6;

  /** Partitions of the dead-letter topic, read by people and tools. */
  public static final int DLQ_PARTITIONS = 1;

  /**
   * Partitions of the suite runs' topic: one, as for units, so that every executor of the share
   * group sees every run.
   */
  public static final int SUITES_PARTITIONS = 1;

  /** Partitions of the suite results' topic, which every coordinator reads whole. */
  public static final int SUITE_RESULTS_PARTITIONS = 1;

  /** The share group setting without which a new group skips what was produced before it. */
  static final String SHARE_AUTO_OFFSET_RESET = "share.auto.offset.reset";

  private static final Duration METADATA_RETRY = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(KafkaProvisioner.class);

  private final Admin admin;
  private final Topics topics;
  private final int unitsPartitions;
  private final Duration timeout;

  /**
   * @param admin a connected admin client, owned by the caller
   * @param unitsPartitions partitions of the units topic when it is created
   * @param timeout the bound on each admin call
   */
  public KafkaProvisioner(Admin admin, Topics topics, int unitsPartitions, Duration timeout) {
    this.admin = admin;
    this.topics = topics;
    this.unitsPartitions = unitsPartitions;
    this.timeout = timeout;
  }

  /**
   * Creates the missing topics, waits until every partition of every topic has a leader, and sets
   * the workers' share group to start at the earliest offset.
   *
   * @throws IllegalStateException when Kafka does not answer in time or refuses
   */
  public void provision() {
    awaitLeaders(createMissingTopics());
    startShareGroupsFromEarliest();
  }

  /** The partition count each topic is created with. */
  public Map<String, Integer> partitions() {
    return Map.of(
        topics.jobs(), JOBS_PARTITIONS,
        topics.units(), unitsPartitions,
        topics.events(), EVENTS_PARTITIONS,
        topics.gate(), GATE_PARTITIONS,
        topics.dlq(), DLQ_PARTITIONS,
        topics.suites(), SUITES_PARTITIONS,
        topics.suiteResults(), SUITE_RESULTS_PARTITIONS);
  }

  /**
   * Creates the topics that do not exist yet.
   *
   * @return the partition count of every topic
   */
  private Map<String, Integer> createMissingTopics() {
    Set<String> existing = await(admin.listTopics().names(), "list topics");
    Map<String, Integer> counts = new HashMap<>();
    List<NewTopic> missing = new ArrayList<>();
    for (Map.Entry<String, Integer> topic : partitions().entrySet()) {
      if (existing.contains(topic.getKey())) {
        continue;
      }
      // The broker's default replication factor: 1 on a laptop, 3 on a real cluster.
      missing.add(new NewTopic(topic.getKey(), Optional.of(topic.getValue()), Optional.empty()));
      counts.put(topic.getKey(), topic.getValue());
    }
    Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        await(result.getValue(), "create topic " + result.getKey());
        log.info("Created topic {}", result.getKey());
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Another coordinator created it a moment ago, perhaps with other partition counts.
        counts.remove(result.getKey());
      }
    }
    List<String> others =
        topics.all().stream().filter(topic -> !counts.containsKey(topic)).toList();
    counts.putAll(describe(others));
    return counts;
  }

  /** The partition counts of topics that someone else created. */
  private Map<String, Integer> describe(List<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, TopicDescription> described =
        retrying(() -> admin.describeTopics(names).allTopicNames(), "describe topics " + names);
    Map<String, Integer> counts = new HashMap<>();
    described.forEach((name, topic) -> counts.put(name, topic.partitions().size()));
    return counts;
  }

  private void awaitLeaders(Map<String, Integer> counts) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    counts.forEach(
        (topic, partitions) -> {
          for (int partition = 0; partition < partitions; partition++) {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
          }
        });
    retrying(
        () -> admin.listOffsets(latest).all(),
        "find the leaders of " + latest.size() + " partitions");
  }

  /**
   * Calls Kafka until it answers or the timeout passes. For a moment after a topic is created, the
   * broker that answers may not know it yet, or its partitions may have no leader; Kafka reports
   * those as retriable errors, which the admin client does not always retry itself.
   */
  private <T> T retrying(Supplier<KafkaFuture<T>> call, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return await(call.get(), what);
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.debug("Retrying to {}: {}", what, e.getCause().toString());
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(METADATA_RETRY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic metadata", e);
    }
  }

  private void startShareGroupsFromEarliest() {
    AlterConfigOp earliest =
        new AlterConfigOp(
            new ConfigEntry(SHARE_AUTO_OFFSET_RESET, "earliest"), AlterConfigOp.OpType.SET);
    for (String name : List.of(topics.workerShareGroup(), topics.executorShareGroup())) {
      ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, name);
      await(
          admin.incrementalAlterConfigs(Map.of(group, List.of(earliest))).all(),
          "configure share group " + name);
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot " + what + " within " + timeout, e);
    }
  }
}
