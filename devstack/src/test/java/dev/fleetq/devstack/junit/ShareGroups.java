package dev.fleetq.devstack.junit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Sets a share group's group-level configuration through {@code Admin.incrementalAlterConfigs},
 * before its first member joins.
 *
 * <p>Kafka starts a new share group at the <em>latest</em> offset, so a test that produces before
 * its consumers join must call {@link #startFromEarliest}. Stateless and thread-safe.
 */
public final class ShareGroups {
  private ShareGroups() {}

  /** Makes the group start reading each partition at its earliest offset. */
  public static void startFromEarliest(String bootstrapServers, String groupId) {
    configure(bootstrapServers, groupId, Map.of("share.auto.offset.reset", "earliest"));
  }

  /**
   * Makes the group start at the earliest offset and hold each acquired record for {@code lock}.
   */
  public static void startFromEarliest(String bootstrapServers, String groupId, Duration lock) {
    configure(
        bootstrapServers,
        groupId,
        Map.of(
            "share.auto.offset.reset",
            "earliest",
            "share.record.lock.duration.ms",
            Long.toString(lock.toMillis())));
  }

  private static void configure(
      String bootstrapServers, String groupId, Map<String, String> values) {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    List<AlterConfigOp> ops =
        values.entrySet().stream()
            .map(
                e ->
                    new AlterConfigOp(
                        new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
            .toList();
    Admin admin = Admin.create(ClientConfigs.admin(bootstrapServers));
    try {
      admin
          .incrementalAlterConfigs(Map.of(group, ops))
          .all()
          .get(ClientConfigs.ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot configure share group " + groupId, e);
    } finally {
      admin.close(ClientConfigs.CLOSE_TIMEOUT);
    }
  }
}
