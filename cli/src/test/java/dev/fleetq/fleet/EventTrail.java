package dev.fleetq.fleet;

import dev.fleetq.devstack.junit.ClientConfigs;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything the fleet wrote to its events topic, read from the beginning, as a test sees it: the
 * history of every unit and job. Not thread-safe; owned by the test thread.
 */
final class EventTrail implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<Event> events = new ArrayList<>();

  EventTrail(String bootstrapServers, String topic) {
    Map<String, Object> config = ClientConfigs.consumer(bootstrapServers);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads what arrived since the last call and returns the whole trail. */
  List<Event> read() {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      events.add(Json.decode(record.value(), Event.class));
    }
    return List.copyOf(events);
  }

  /** The unit events of one job, in the order they were written per job. */
  List<UnitEvent> units(JobId job) {
    return read().stream()
        .filter(UnitEvent.class::isInstance)
        .map(UnitEvent.class::cast)
        .filter(e -> e.jobId().equals(job))
        .toList();
  }

  /** The job's own events. */
  List<JobEvent> job(JobId job) {
    return read().stream()
        .filter(JobEvent.class::isInstance)
        .map(JobEvent.class::cast)
        .filter(e -> e.jobId().equals(job))
        .toList();
  }

  /** How many events of the job have each status. */
  Map<UnitStatus, Long> countByStatus(JobId job) {
    return units(job).stream()
        .collect(Collectors.groupingBy(UnitEvent::status, Collectors.counting()));
  }

  @Override
  public void close() {
    consumer.close(ClientConfigs.CLOSE_TIMEOUT);
  }
}
