package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a job becomes units: measured by running the tests ({@link FailingTestsPlan}, one unit per
 * failing test) or listed by the submitter ({@link ExplicitUnitsPlan}). On the wire the property
 * {@code kind} says which.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = FailingTestsPlan.class, name = FailingTestsPlan.KIND),
  @JsonSubTypes.Type(value = ExplicitUnitsPlan.class, name = ExplicitUnitsPlan.KIND)
})
public sealed interface Plan permits FailingTestsPlan, ExplicitUnitsPlan {}
