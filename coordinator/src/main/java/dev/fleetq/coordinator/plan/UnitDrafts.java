package dev.fleetq.coordinator.plan;

import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.job.ExplicitUnitsPlan;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.FailingTestsPlan.GroupBy;
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
 * per group of failing tests that asks the agent to make those tests pass.
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
   * One unit per group of failing tests ({@link FailureGroups}), in report order, each targeting
   * every test of its group and named after the first.
   *
   * @throws PlanningException when there are more groups than a job may have units, or a test id is
   *     too long to be a target
   */
  static List<WorkUnit> forFailingTests(
      JobSpec job, FailingTestsPlan plan, TestReport report, Instant at) {
    Map<String, TestResult> results = report.byId();
    List<TestResult> failing = report.failing().stream().map(results::get).toList();
    List<List<TestResult>> groups = FailureGroups.of(failing, plan.groupBy());
    if (groups.size() > Limits.MAX_UNITS_PER_JOB) {
      throw new PlanningException(
          failing.size()
              + " tests fail, in "
              + groups.size()
              + " groups, more than the "
              + Limits.MAX_UNITS_PER_JOB
              + " units a job may have; split the job, for example by module");
    }
    Map<String, UnitId> ids = UnitIds.forTests(groups.stream().map(g -> g.get(0).id()).toList());
    List<WorkUnit> units = new ArrayList<>(groups.size());
    for (List<TestResult> group : groups) {
      String first = group.get(0).id();
      try {
        UnitSpec spec =
            new UnitSpec(
                ids.get(first),
                title(group),
                prompt(job, plan.groupBy(), group),
                group.stream().map(TestResult::id).toList(),
                List.of());
        units.add(firstAttempt(job, spec, at));
      } catch (InvalidMessageException e) {
        throw new PlanningException("cannot make a unit for the failing test " + first + ": " + e);
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

  private static String title(List<TestResult> group) {
    String title =
        TITLE_PREFIX
            + group.get(0).id()
            + (group.size() == 1 ? "" : " and " + (group.size() - 1) + " more");
    return title.length() <= Limits.MAX_TITLE_CHARS
        ? title
        : title.substring(0, Limits.MAX_TITLE_CHARS - 3) + "...";
  }

  private static String prompt(JobSpec job, GroupBy groupBy, List<TestResult> group) {
    StringBuilder prompt = new StringBuilder();
    TestResult first = group.get(0);
    if (group.size() == 1) {
      prompt.append("The test ").append(first.id()).append(' ').append(verb(first));
      prompt.append(" on branch ").append(job.repo().branch()).append(".\n");
      prompt.append("Make it pass by fixing the code under test. Do not change, skip or delete");
      prompt.append(" the test, and do not break any test that passes now.\n");
    } else {
      prompt.append("These ").append(group.size()).append(" tests ").append(together(groupBy));
      prompt.append(" on branch ").append(job.repo().branch()).append(":\n\n");
      group.forEach(
          test ->
              prompt.append("- ").append(test.id()).append(' ').append(verb(test)).append('\n'));
      prompt.append("\nThey likely share one root cause. Make them all pass by fixing the code");
      prompt.append(" under test. Do not change, skip or delete the tests, and do not break any");
      prompt.append(" test that passes now.\n");
    }
    String message = first.message();
    if (message != null && !message.isBlank()) {
      prompt.append(
          group.size() == 1 ? "\nThe test reported:\n\n" : "\nThe first of them reported:\n\n");
      message.strip().lines().forEach(line -> prompt.append("> ").append(line).append('\n'));
    }
    return prompt.length() <= Limits.MAX_PROMPT_CHARS
        ? prompt.toString()
        : prompt.substring(0, Limits.MAX_PROMPT_CHARS);
  }

  private static String verb(TestResult test) {
    return test.status() == TestResult.Status.ERROR ? "errors" : "fails";
  }

  private static String together(GroupBy groupBy) {
    return switch (groupBy) {
      case SIGNATURE -> "fail the same way (one exception type, from one place in the code)";
      case CLASS -> "of one test class fail";
      case FILE -> "of one test file fail";
      case TEST -> "fail";
    };
  }
}
