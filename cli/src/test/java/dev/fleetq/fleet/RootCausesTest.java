package dev.fleetq.fleet;

import static dev.fleetq.fleet.FanOutTest.awaitEnd;
import static dev.fleetq.fleet.FanOutTest.landedEvents;
import static dev.fleetq.fleet.FanOutTest.suiteOnMain;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Twelve failing tests from five root causes (one breaks five tests), fixed by scripted agents:
 * main gets one landing per root cause whichever way the plan groups the tests, and units whose
 * work a landing did end superseded. Real coordinator, workers, Kafka, Redis, git and agents.
 */
@WithDevStack
class RootCausesTest {
  private static final List<Integer> TESTS_PER_CAUSE = List.of(5, 3, 2, 1, 1);
  private static final Git GIT =
      new Git(new Git.Identity("test", "test@fleetq.invalid"), Duration.ofSeconds(30));

  @ParameterizedTest(name = "groupBy {0}")
  @CsvSource({"signature, 5", "test, 12"})
  void eachRootCauseLandsOnceAndTheUnitsItFixedAreSuperseded(
      String groupBy, int units, DevStack stack, TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ExampleRepo repo = ExampleRepo.withRootCauses(dir, TESTS_PER_CAUSE, 2);
    JobId job = JobId.parse("job-causes-" + groupBy);
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      for (int w = 1; w <= 3; w++) {
        fleet.addWorker("worker-" + w, 1);
      }
      fleet.submit(
          job.value(), groupedBy(job, repo, ScriptedAgent.fixer(dir.resolve("agent")), groupBy));

      JobState done = awaitEnd(fleet, job);
      List<UnitEvent> events = fleet.trail().units(job);
      long agentRuns = events.stream().filter(e -> e.status() == UnitStatus.RUNNING).count();
      System.out.printf(
          "groupBy %s: 12 failing tests, 5 root causes, %d units, %d agent runs, %s%n",
          groupBy, done.unitCount(), agentRuns, done.detail().lines().findFirst().orElse(""));

      assertThat(done.status()).as("job (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(done.unitCount()).as("units planned").isEqualTo(units);
      assertThat(landedEvents(fleet, job)).as("LANDED events").hasSize(5);
      assertThat(done.count(UnitStatus.SUPERSEDED)).as("superseded units").isEqualTo(units - 5);
      if (groupBy.equals("signature")) {
        assertThat(agentRuns).as("agent runs, one per root cause").isEqualTo(5);
      }
      Map<String, String> landings = landingsOnMain(repo);
      assertThat(landings).as("Land commits on main").hasSize(5);
      assertThat(landings.keySet())
          .as("Land commits that change no file")
          .allSatisfy(
              commit ->
                  assertThat(GIT.run(repo.origin(), "diff", "--name-only", commit + "^1", commit))
                      .as("files %s changes", landings.get(commit))
                      .isNotBlank());
      assertThat(events.stream().filter(e -> e.status() == UnitStatus.SUPERSEDED))
          .as("SUPERSEDED events")
          .hasSize(units - 5)
          .allSatisfy(
              e ->
                  assertThat(e.detail().lines().findFirst().orElse(""))
                      .as("the landing that did the work of %s", e.unitId())
                      .isIn(landings.keySet()));
    }
    assertThat(suiteOnMain(repo, dir).exitCode()).as("test suite on the final main").isZero();
  }

  private static String groupedBy(JobId job, ExampleRepo repo, ScriptedAgent agent, String groupBy)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode spec =
        (ObjectNode) json.readTree(Jobs.failingTests(job.value(), repo, agent.command(), 3));
    ((ObjectNode) spec.get("plan")).put("groupBy", groupBy);
    return json.writeValueAsString(spec);
  }

  /** Main's {@code Land} commits: commit to subject. */
  private static Map<String, String> landingsOnMain(ExampleRepo repo) {
    return repo.mainLog("%H %s").stream()
        .map(line -> line.split(" ", 2))
        .filter(commit -> commit[1].startsWith("Land "))
        .collect(Collectors.toMap(commit -> commit[0], commit -> commit[1]));
  }
}
