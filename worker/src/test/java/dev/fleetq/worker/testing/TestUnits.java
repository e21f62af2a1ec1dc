package dev.fleetq.worker.testing;

import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.job.AgentSpec;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.unit.WorkUnit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Work units against an {@link ExampleRepo}, as the coordinator would publish them: unit {@code
 * u<n>} targets the example's test {@code n}.
 */
public final class TestUnits {
  /** The time every test unit was published at. */
  public static final Instant PUBLISHED_AT = Instant.parse("2026-01-31T12:00:00Z");

  /** Long enough for any agent in these tests that is not meant to time out. */
  public static final Duration AGENT_TIMEOUT = Duration.ofMinutes(2);

  private TestUnits() {}

  /** The first attempt at unit {@code u<n>} of {@code job}, run by {@code agentCommand}. */
  public static WorkUnit aUnit(ExampleRepo repo, JobId job, int n, String agentCommand) {
    return aUnit(repo, job, n, 1, agentCommand, AGENT_TIMEOUT);
  }

  /** An attempt at unit {@code u<n>} of {@code job}, with the agent's command and timeout. */
  public static WorkUnit aUnit(
      ExampleRepo repo, JobId job, int n, int attempt, String agentCommand, Duration timeout) {
    return aUnit(repo, job, n, attempt, agentCommand, null, AgentSpec.DEFAULT_NETWORK, timeout);
  }

  /** The first attempt at unit {@code u<n>} of {@code job}, run in a container of {@code image}. */
  public static WorkUnit aUnitInImage(
      ExampleRepo repo, JobId job, int n, String agentCommand, String image) {
    return aUnit(repo, job, n, 1, agentCommand, image, AgentSpec.DEFAULT_NETWORK, AGENT_TIMEOUT);
  }

  /**
   * The first attempt at unit {@code u<n>} of {@code job}, run in a container of {@code image} on
   * {@code network}.
   */
  public static WorkUnit aUnitInImage(
      ExampleRepo repo, JobId job, int n, String agentCommand, String image, String network) {
    return aUnit(repo, job, n, 1, agentCommand, image, network, AGENT_TIMEOUT);
  }

  private static WorkUnit aUnit(
      ExampleRepo repo,
      JobId job,
      int n,
      int attempt,
      String agentCommand,
      String image,
      String network,
      Duration timeout) {
    return new WorkUnit(
        job,
        UnitId.parse("u" + n),
        attempt,
        new RepoSpec(repo.url(), "main"),
        "Fix test " + n,
        "Make " + ExampleRepo.testId(n) + " pass without changing the test.",
        List.of(ExampleRepo.testId(n)),
        List.of("src/**"),
        new AgentSpec(agentCommand, image, List.of(), timeout, 3, network),
        new GateSpec(ExampleRepo.TEST_COMMAND, List.of(ExampleRepo.REPORT_GLOB), null),
        attempt == 1 ? null : "attempt " + (attempt - 1) + " failed",
        0,
        PUBLISHED_AT);
  }
}
