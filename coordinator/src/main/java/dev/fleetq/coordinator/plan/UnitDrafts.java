package dev.fleetq.coordinator.plan;

import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.job.ExplicitUnitsPlan;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.UnitSpec;
import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.suite.TestResult;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Limits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a plan into the first attempts of its units: the submitter's units as given, or one unit
 * per failing test that asks the agent to make that test pass.
 *
 * <p>Stateless and thread-safe.
 */
final class UnitDrafts {
  private static final String TITLE_PREFIX = "Fix ";

  private UnitDrafts() {}

  /** The first attempt of each unit an explicit plan lists, in the plan's order. */
  static List<WorkUnit> explicit(JobSpec job, ExplicitUnitsPlan plan, Instant at) {
    return plan.units().stream().map(unit -> firstAttempt(job, unit, at)).toList();
  }

  /**
   * One unit per failing test, in report order, each targeting its test.
   *
   * @throws PlanningException when there are more failing tests than a job may have units, or a
   *     test id is too long to be a target
   */
  static List<WorkUnit> forFailingTests(JobSpec job, TestReport report, Instant at) {
    List<String> failing = List.copyOf(report.failing());
    if (failing.size() > Limits.MAX_UNITS_PER_JOB) {
      throw new PlanningException(
          failing.size()
              + " tests fail, more than the "
              + Limits.MAX_UNITS_PER_JOB
              + " units a job may have; split the job, for example by module");
    }
    Map<String, UnitId> ids = UnitIds.forTests(failing);
    Map<String, TestResult> results = report.byId();
    List<WorkUnit> units = new ArrayList<>(failing.size());
    for (String testId : failing) {
      try {
        UnitSpec spec =
            new UnitSpec(
                ids.get(testId),
                title(testId),
                prompt(job, results.get(testId)),
                List.of(testId),
                List.of());
        units.add(firstAttempt(job, spec, at));
      } catch (InvalidMessageException e) {
        throw new PlanningException("cannot make a unit for the failing test " + testId + ": " + e);
      }
    }
    return units;
  }

  private static WorkUnit firstAttempt(JobSpec job, UnitSpec unit, Instant at) {
    return new WorkUnit(
        job.id(),
        unit.id(),
        1,
        job.repo(),
        unit.title(),
        unit.prompt(),
        unit.targetTests(),
        unit.scope(),
        job.agent(),
        job.gate(),
        null,
        job.priority(),
        at);
  }

  private static String title(String testId) {
    String title = TITLE_PREFIX + testId;
    return title.length() <= Limits.MAX_TITLE_CHARS
        ? title
        : title.substring(0, Limits.MAX_TITLE_CHARS - 3) + "...";
  }

  private static String prompt(JobSpec job, TestResult result) {
    StringBuilder prompt = new StringBuilder();
    prompt
        .append("The test ")
        .append(result.id())
        .append(" ")
        .append(result.status() == TestResult.Status.ERROR ? "errors" : "fails")
        .append(" on branch ")
        .append(job.repo().branch())
        .append(".\nMake it pass by fixing the code under test. Do not change, skip or delete")
        .append(" the test, and do not break any test that passes now.\n");
    String message = result.message();
    if (message != null && !message.isBlank()) {
      prompt.append("\nThe test reported:\n\n");
      message.strip().lines().forEach(line -> prompt.append("> ").append(line).append('\n'));
    }
    return prompt.length() <= Limits.MAX_PROMPT_CHARS
        ? prompt.toString()
        : prompt.substring(0, Limits.MAX_PROMPT_CHARS);
  }
}
