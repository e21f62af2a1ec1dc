package dev.fleetq.coordinator.testing;

import dev.fleetq.model.job.AgentSpec;
import dev.fleetq.model.unit.WorkUnit;

/** Variations of {@code ModelFixtures}' work units. Stateless. */
public final class Units {
  private Units() {}

  /** The same unit whose agent has {@code maxAttempts} attempts. */
  public static WorkUnit withMaxAttempts(WorkUnit unit, int maxAttempts) {
    AgentSpec agent = unit.agent();
    return new WorkUnit(
        unit.jobId(),
        unit.unitId(),
        unit.attempt(),
        unit.repo(),
        unit.title(),
        unit.prompt(),
        unit.targetTests(),
        unit.scope(),
        new AgentSpec(
            agent.command(), agent.image(), agent.envAllowList(), agent.timeout(), maxAttempts),
        unit.gate(),
        unit.previousFailure(),
        unit.priority(),
        unit.publishedAt());
  }
}
