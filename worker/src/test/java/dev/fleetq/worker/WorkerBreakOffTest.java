package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.MutableClock;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.run.BreakOffs;
import dev.fleetq.worker.testing.TestUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that cannot do its part does not burn through the queue: after an attempt breaks off for
 * the worker's own reasons it takes no unit until its pause is over.
 */
@WithDevStack
class WorkerBreakOffTest {
  private static final JobId JOB = JobId.parse("job-break-off");
  private static final Duration QUIET = Duration.ofSeconds(3);

  @TempDir Path dir;
  private Fleet fleet;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) {
    fleet = new Fleet(stack, namespace, dir, 1);
  }

  @AfterEach
  void closeFleet() {
    fleet.close();
  }

  @Test
  void workerThatCannotFetchTheRepositoryPausesBeforeTakingTheNextUnit() throws IOException {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 2, 0);
    deleteTree(repo.origin());
    String fixer = ScriptedAgent.fixer(dir.resolve("agent")).command();
    WorkUnit first = TestUnits.aUnit(repo, JOB, 1, fixer);
    WorkUnit second = TestUnits.aUnit(repo, JOB, 2, fixer);
    MutableClock clock = new MutableClock(TestUnits.PUBLISHED_AT);
    fleet.start(fleet.config("w-broken"), clock);

    fleet.publish(first);
    fleet.publish(second);
    UnitEvent handedBack =
        await("the first attempt handed back")
            .atMost(Fleet.PATIENCE)
            .until(
                () -> fleet.lastEvent(first.key()),
                event -> event != null && event.status() == UnitStatus.RETRYING);
    assertThat(handedBack.reason()).as("reason").isEqualTo(Reason.WORKER_SHUTDOWN);
    assertThat(handedBack.detail()).as("detail").contains("could not finish the attempt");

    await("the second unit waits while the clock stands still")
        .during(QUIET)
        .atMost(QUIET.plusSeconds(5))
        .until(() -> fleet.statuses(second.key()).isEmpty());

    clock.advance(BreakOffs.FIRST_PAUSE);

    await("the second unit is taken once the pause is over")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(second.key()).contains(UnitStatus.CLAIMED));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
