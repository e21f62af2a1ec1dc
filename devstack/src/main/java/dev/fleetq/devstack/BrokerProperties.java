package dev.fleetq.devstack;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration of the single-node KRaft broker: one process that is both broker and
 * controller, on the loopback interface, sized for a laptop or a test JVM rather than for
 * throughput.
 *
 * <p>Stateless and thread-safe.
 */
final class BrokerProperties {
  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String HOST = "127.0.0.1";

  /** Kafka's default (128 MB) is most of a small broker's heap; log compaction here is tiny. */
  private static final String CLEANER_DEDUPE_BUFFER_BYTES = "2097152";

  private BrokerProperties() {}

  static Map<String, String> of(
      Path dataDir, int brokerPort, int controllerPort, EmbeddedKafkaConfig config) {
    Map<String, String> props = new HashMap<>();
    putNodeAndListeners(props, dataDir, brokerPort, controllerPort);
    putTopicDefaults(props);
    putGroupSettings(props, config);
    putSmallFootprint(props);
    return Map.copyOf(props);
  }

  private static void putNodeAndListeners(
      Map<String, String> props, Path dataDir, int brokerPort, int controllerPort) {
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", BROKER_LISTENER);
    props.put(
        "listeners",
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    props.put(
        "listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("log.dirs", dataDir.toString());
    props.put("metadata.log.dir", dataDir.toString());
  }

  private static void putTopicDefaults(Map<String, String> props) {
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("share.coordinator.state.topic.num.partitions", "1");
  }

  private static final String SHARE_HEARTBEAT_MILLIS = "500";

  private static void putGroupSettings(Map<String, String> props, EmbeddedKafkaConfig config) {
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put(
        "group.share.min.record.lock.duration.ms",
        Long.toString(EmbeddedKafkaConfig.MIN_SHARE_RECORD_LOCK_DURATION.toMillis()));
    props.put(
        "group.share.max.record.lock.duration.ms",
        Long.toString(EmbeddedKafkaConfig.MAX_SHARE_RECORD_LOCK_DURATION.toMillis()));
    props.put(
        "group.share.record.lock.duration.ms",
        Long.toString(config.shareRecordLockDuration().toMillis()));
    // A new member of a share group gets its partitions on a heartbeat: at the default 5 s, each
    // worker or executor that starts waits that long before its first record.
    props.put("group.share.min.heartbeat.interval.ms", SHARE_HEARTBEAT_MILLIS);
    props.put("group.share.heartbeat.interval.ms", SHARE_HEARTBEAT_MILLIS);
  }

  private static void putSmallFootprint(Map<String, String> props) {
    props.put("log.cleaner.dedupe.buffer.size", CLEANER_DEDUPE_BUFFER_BYTES);
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "2");
    props.put("background.threads", "2");
    props.put("num.recovery.threads.per.data.dir", "1");
    props.put("group.coordinator.threads", "1");
    props.put("share.coordinator.threads", "1");
  }
}
