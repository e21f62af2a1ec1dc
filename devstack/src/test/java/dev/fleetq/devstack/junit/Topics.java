package dev.fleetq.devstack.junit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Creates topics for a test, since the embedded broker never creates them on first use.
 *
 * <p>Stateless and thread-safe.
 */
public final class Topics {
  private Topics() {}

  /**
   * Creates a topic with {@code partitions} partitions and waits, bounded, until the broker leads
   * every partition.
   *
   * <p>{@code createTopics} returns once the controller has the topic, a moment before the broker
   * leads its partitions. An idempotent producer whose first batch to a partition meets that moment
   * can have a later batch accepted before the retried first one, and then fails on {@code
   * OutOfOrderSequence} until its delivery timeout. A {@code ListOffsets} request is answered only
   * by the partition's leader, so its success means the partitions are ready.
   */
  public static void create(String bootstrapServers, String topic, int partitions) {
    Admin admin = Admin.create(ClientConfigs.admin(bootstrapServers));
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(ClientConfigs.ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> latest =
          IntStream.range(0, partitions)
              .mapToObj(partition -> new TopicPartition(topic, partition))
              .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
      // Right after creation the admin client's metadata may not know the topic yet, and it
      // answers UnknownTopicOrPartition at once instead of waiting: ask again, bounded.
      await()
          .atMost(ClientConfigs.ADMIN_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(
              () -> {
                admin
                    .listOffsets(latest)
                    .all()
                    .get(ClientConfigs.ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return true;
              });
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    } finally {
      admin.close(ClientConfigs.CLOSE_TIMEOUT);
    }
  }
}
