package dev.fleetq.fleet;

import static dev.fleetq.fleet.FanOutTest.awaitEnd;
import static dev.fleetq.fleet.FanOutTest.suiteOnMain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gate checks the goal as well as the rule, end to end: a unit lands only when its target tests
 * pass, a candidate that undoes another unit's fix is refused even when the two arrive in one
 * batch, and a job succeeds only when main passes every test that failed when it was planned.
 */
@WithDevStack
class GoalCheckTest {
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final int BLOCKER = 1;
  private static final int FIX = 2;
  private static final int SABOTEUR = 3;

  /**
   * Test 1's unit holds the gate (its suite run waits for a release file) while the fix of test 2
   * and the saboteur, which fixes test 3 but on attempt 1 also undoes test 2 with a change that
   * merges cleanly, are pushed in the given order; released, the gate tests those two in one batch.
   */
  @ParameterizedTest(name = "the saboteur reaches the gate {0}")
  @ValueSource(strings = {"first", "second"})
  void aSaboteurInTheFixesBatchIsRefusedNamingTheTargetItUndid(
      String saboteurArrives, DevStack stack, TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 3, 1);
    Path signals = Files.createDirectories(dir.resolve("signals"));
    Path release = signals.resolve("release");
    JobId job = JobId.parse("job-goal-" + saboteurArrives);
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      for (int w = 1; w <= 3; w++) {
        fleet.addWorker("worker-" + w, 1);
      }
      fleet.submit(
          job.value(),
          Jobs.failingTestsGatedBy(
              job.value(), repo, heldAgent(dir, signals).command(), 2, heldGate(release)));

      UnitId blocker = awaitUnit(fleet, job, BLOCKER, UnitStatus.GATING);
      List<Integer> order =
          saboteurArrives.equals("first") ? List.of(SABOTEUR, FIX) : List.of(FIX, SABOTEUR);
      for (int test : order) {
        Files.writeString(signals.resolve("go-" + name(test)), "go\n");
        awaitUnit(fleet, job, test, UnitStatus.PUSHED);
      }
      Files.writeString(release, "go\n");

      JobState done = awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(done.detail()).as("job detail").contains("fixed 3 of 3 failing tests");
      UnitId fix = unitOf(FIX);
      UnitId saboteur = unitOf(SABOTEUR);
      List<UnitEvent> trail = trailUntil(fleet, job, done);
      List<UnitEvent> refusals =
          trail.stream().filter(e -> e.status() == UnitStatus.RETRYING).toList();
      assertThat(refusals).as("refusals").hasSize(1);
      UnitEvent refusal = refusals.get(0);
      assertThat(refusal.unitId()).as("refused unit").isEqualTo(saboteur);
      assertThat(refusal.reason()).as("refusal reason").isEqualTo(Reason.REGRESSION);
      assertThat(refusal.detail())
          .as("refusal detail")
          .contains(ExampleRepo.testId(FIX))
          .contains("a target test of " + job.value() + "/" + fix.value());
      assertThat(trail)
          .as("landings")
          .filteredOn(e -> e.status() == UnitStatus.LANDED)
          .extracting(UnitEvent::unitId, UnitEvent::attempt)
          .containsExactlyInAnyOrder(tuple(blocker, 1), tuple(fix, 1), tuple(saboteur, 2));
    }
    assertThat(suiteOnMain(repo, dir).exitCode()).as("test suite on the final main").isZero();
  }

  @Test
  void aUnitWhoseAgentFixesNothingFailsAndTheJobNamesItsTest(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 2, 1);
    JobId job = JobId.parse("job-goal-unmet");
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      fleet.addWorker("worker-1", 2);
      fleet.submit(
          job.value(), Jobs.failingTests(job.value(), repo, fixesAllBut(dir, FIX).command(), 2));

      JobState done = awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.FAILED);
      assertThat(done.detail())
          .as("job detail")
          .contains("fixed 1 of 2 failing tests")
          .contains("still failing: " + ExampleRepo.testId(FIX));
      UnitId unmet = unitOf(FIX);
      List<UnitEvent> events =
          trailUntil(fleet, job, done).stream().filter(e -> e.unitId().equals(unmet)).toList();
      assertThat(events)
          .as("refusals of the unit that fixes nothing")
          .filteredOn(e -> e.status() == UnitStatus.RETRYING)
          .hasSize(2)
          .allSatisfy(
              e -> {
                assertThat(e.reason()).as("reason").isEqualTo(Reason.TARGET_STILL_FAILING);
                assertThat(e.detail()).as("detail").contains(ExampleRepo.testId(FIX));
              });
      assertThat(events)
          .as("its end")
          .filteredOn(e -> e.status() == UnitStatus.FAILED)
          .singleElement()
          .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.ATTEMPTS_EXHAUSTED))
          .satisfies(e -> assertThat(e.detail()).contains("attempt 2: TARGET_STILL_FAILING"));
      assertThat(events).as("its landings").noneMatch(e -> e.status() == UnitStatus.LANDED);
      assertThat(done.count(UnitStatus.LANDED)).as("landed units").isEqualTo(1);
    }
  }

  /**
   * An agent that, on attempt 1, waits for its unit's go file before it works (test 1's unit does
   * not wait), fixes its target, and for the saboteur's unit also undoes the fix's test.
   */
  private static ScriptedAgent heldAgent(Path dir, Path signals) throws Exception {
    return agent(
        dir,
        "held.sh",
        """
        n=${FLEETQ_TARGET_TESTS##*#t}
        if [ "$FLEETQ_ATTEMPT" = 1 ] && [ "$n" != %1$s ]; then
          i=0
          while [ ! -e %2$s/go-$n ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
        fi
        echo "fixed-$n" > "src/f$n.txt"
        if [ "$FLEETQ_ATTEMPT" = 1 ] && [ "$n" = %3$s ]; then echo undone > %4$s; fi
        """
            .formatted(name(BLOCKER), signals, name(SABOTEUR), ExampleRepo.undoFile(FIX)));
  }

  /**
   * An agent that fixes its target unless it is test {@code unfixed}, where it only takes notes.
   */
  private static ScriptedAgent fixesAllBut(Path dir, int unfixed) throws Exception {
    return agent(
        dir,
        "all-but.sh",
        """
        n=${FLEETQ_TARGET_TESTS##*#t}
        if [ "$n" = %s ]; then echo "looked at it" > "src/notes-$n.txt"; exit 0; fi
        echo "fixed-$n" > "src/f$n.txt"
        """
            .formatted(name(unfixed)));
  }

  private static ScriptedAgent agent(Path dir, String name, String body) throws Exception {
    Path script = Files.createDirectories(dir.resolve("agent")).resolve(name);
    Files.writeString(script, "#!/bin/sh\nset -e\n" + body);
    return new ScriptedAgent(script);
  }

  /**
   * The gate's suite: once test 1's fix is in the tree, it waits (at most a minute) for the release
   * file, so the blocker's run holds the gate while the others queue behind it.
   */
  private static String heldGate(Path release) {
    return ("if grep -q fixed src/f%s.txt; then i=0; while [ ! -e %s ] && [ $i -lt 1200 ]; do"
            + " sleep 0.05; i=$((i+1)); done; fi; %s")
        .formatted(name(BLOCKER), release, ExampleRepo.TEST_COMMAND);
  }

  /**
   * The job's unit events, once the trail holds the job event that ended it: the projector writes
   * that after the unit events it counts, on the job's partition.
   */
  private static List<UnitEvent> trailUntil(Fleet fleet, JobId job, JobState done) {
    await()
        .atMost(PATIENCE)
        .until(() -> fleet.trail().job(job).stream().anyMatch(e -> e.status() == done.status()));
    return fleet.trail().units(job);
  }

  private static UnitId awaitUnit(Fleet fleet, JobId job, int test, UnitStatus status) {
    UnitId unit = unitOf(test);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                fleet.trail().units(job).stream()
                    .anyMatch(e -> e.unitId().equals(unit) && e.status() == status));
    return unit;
  }

  /**
   * The planner names a test's unit after the test: {@code example.tests#t02} is unit {@code
   * example.tests.t02}.
   */
  private static UnitId unitOf(int test) {
    return UnitId.parse(ExampleRepo.testId(test).replace('#', '.'));
  }

  private static String name(int test) {
    return String.format("%02d", test);
  }
}
