package dev.fleetq.coordinator.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.JobSpec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class JobIdsTest {
  private static final JobSpec WITHOUT_ID = ModelFixtures.aJobSpec();

  @Test
  void jobsOwnIdWins() {
    JobSpec withId = WITHOUT_ID.withId(JobId.parse("mine"));

    assertThat(JobIds.of(withId, record("other", 0, 7))).as("id").isEqualTo(JobId.parse("mine"));
  }

  @Test
  void jobWithoutIdTakesItsRecordKeyOrItsPosition() {
    assertThat(JobIds.of(WITHOUT_ID, record("job-from-key", 2, 7)))
        .as("id from a key")
        .isEqualTo(JobId.parse("job-from-key"));
    assertThat(JobIds.of(WITHOUT_ID, record("not a valid id!", 2, 7)))
        .as("id from a bad key")
        .isEqualTo(JobId.parse("job-2-7"));
    assertThat(JobIds.of(WITHOUT_ID, record(null, 1, 42)))
        .as("id without a key")
        .isEqualTo(JobId.parse("job-1-42"));
    assertThat(JobIds.of(WITHOUT_ID, record(null, 1, 42)))
        .as("id of the same record read again")
        .isEqualTo(JobIds.of(WITHOUT_ID, record(null, 1, 42)));
  }

  private static ConsumerRecord<byte[], byte[]> record(String key, int partition, long offset) {
    byte[] bytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    return new ConsumerRecord<>("jobs", partition, offset, bytes, new byte[0]);
  }
}
