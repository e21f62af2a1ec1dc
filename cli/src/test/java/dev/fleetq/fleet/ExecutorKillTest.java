package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor killed the hard way ({@code SIGKILL}) in the middle of a gate run: its lease lapses,
 * the coordinator sends the run again, another executor runs it, and the candidate's verdict is
 * what it would have been. Nothing lands twice.
 */
@WithDevStack
class ExecutorKillTest {
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  @Test
  void aRunWhoseExecutorIsKilledIsSentAgainAndTheCandidateLandsOnce(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 1, 1);
    JobId job = JobId.parse("job-executor-kill");
    Path holding = dir.resolve("holding");
    Path release = dir.resolve("release");
    Process doomed = null;
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      fleet.addWorker("agent", 1, 0);
      doomed = WorkerProcess.start(stack, ns, dir, "doomed-executor", 0, 1, Map.of());
      fleet.submit(
          job.value(),
          Jobs.explicitUnits(
                  job.value(), repo, ScriptedAgent.fixer(dir.resolve("agent")).command(), 1)
              .replace(
                  "\"testCommand\": \"" + ExampleRepo.TEST_COMMAND + "\"",
                  "\"testCommand\": \"" + heldWhenFixed(holding, release) + "\""));
      await().atMost(PATIENCE).until(() -> Files.exists(holding));

      WorkerProcess.kill(doomed);
      fleet.addWorker("rescuer", 0, 1);
      Files.writeString(release, "go\n");

      JobState done = FanOutTest.awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      List<UnitEvent> landed = FanOutTest.landedEvents(fleet, job);
      assertThat(landed).as("landings").hasSize(1);
      assertThat(dispatches(fleet, "again"))
          .as("suite runs sent again after their executor died")
          .isGreaterThanOrEqualTo(1);
    } finally {
      if (doomed != null) {
        WorkerProcess.kill(doomed);
      }
    }
  }

  /**
   * The gate's suite: once the unit's fix is in the tree, it says so and waits (at most two
   * minutes) for the release file, then runs the example's tests.
   */
  private static String heldWhenFixed(Path holding, Path release) {
    return ("if grep -q fixed src/f01.txt; then touch %s; i=0; while [ ! -e %s ] && [ $i -lt 2400 ];"
            + " do sleep 0.05; i=$((i+1)); done; fi; %s")
        .formatted(holding, release, ExampleRepo.TEST_COMMAND);
  }

  private static double dispatches(Fleet fleet, String dispatch) {
    return fleet.coordinator().services().metrics().registry().scrape().stream()
        .filter(snapshot -> snapshot.getMetadata().getName().equals("fleetq_suite_dispatches"))
        .map(CounterSnapshot.class::cast)
        .flatMap(snapshot -> snapshot.getDataPoints().stream())
        .filter(point -> dispatch.equals(point.getLabels().get("dispatch")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }
}
