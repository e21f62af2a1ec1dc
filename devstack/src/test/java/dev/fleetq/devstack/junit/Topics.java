package dev.fleetq.devstack.junit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics for a test, since the embedded broker never creates them on first use.
 *
 * <p>Stateless and thread-safe.
 */
public final class Topics {
  private static final Duration RETRY_PAUSE = Duration.ofMillis(50);

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
      awaitLeaders(admin, latest);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    } finally {
      admin.close(ClientConfigs.CLOSE_TIMEOUT);
    }
  }

  /**
   * Lists the offsets until every partition answers: the admin client's metadata may not know the
   * new topic yet, and then fails at once with {@link UnknownTopicOrPartitionException} rather than
   * waiting, so that failure is retried until {@link ClientConfigs#ADMIN_TIMEOUT}.
   */
  private static void awaitLeaders(Admin admin, Map<TopicPartition, OffsetSpec> partitions)
      throws Exception {
    long deadline = System.nanoTime() + ClientConfigs.ADMIN_TIMEOUT.toNanos();
    while (true) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        admin.listOffsets(partitions).all().get(left, TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(RETRY_PAUSE.toMillis());
      }
    }
  }
}
