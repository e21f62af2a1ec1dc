package dev.fleetq.model.unit;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.fleetq.model.id.JobId;
import java.time.Instant;

/**
 * Something that happened to a job or one of its units, on the events topic keyed by job id, so a
 * job's events stay in order. The property {@code type} says which kind: {@code unit} or {@code
 * job}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = UnitEvent.class, name = UnitEvent.TYPE),
  @JsonSubTypes.Type(value = JobEvent.class, name = JobEvent.TYPE)
})
public sealed interface Event permits UnitEvent, JobEvent {

  /** The job it concerns, also the Kafka key. */
  JobId jobId();

  /** When it happened. */
  Instant at();
}
