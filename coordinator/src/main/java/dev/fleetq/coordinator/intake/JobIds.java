package dev.fleetq.coordinator.intake;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.wire.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Gives a job without an id one that depends only on its record, so that reading the record again
 * after a restart gives the same id and the job is recognised instead of planned twice: the record
 * key when it is a well-formed job id, else {@code job-<partition>-<offset>}.
 *
 * <p>Stateless and thread-safe.
 */
final class JobIds {
  private JobIds() {}

  /** The job's own id, or one derived from its record. */
  static JobId of(JobSpec spec, ConsumerRecord<byte[], byte[]> record) {
    if (spec.id() != null) {
      return spec.id();
    }
    if (record.key() != null) {
      try {
        return JobId.parse(new String(record.key(), StandardCharsets.UTF_8));
      } catch (InvalidMessageException e) {
        // Not usable as an id; fall back to the record's position.
      }
    }
    return JobId.parse(JobId.RANDOM_PREFIX + record.partition() + "-" + record.offset());
  }
}
