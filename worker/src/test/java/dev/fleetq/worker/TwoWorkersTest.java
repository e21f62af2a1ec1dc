package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.testing.Agents;
import dev.fleetq.worker.testing.Processes;
import dev.fleetq.worker.testing.TestUnits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RLock;

/**
 * Two workers of one slot each: while one is busy with a slow unit, the other takes every quick
 * one; and when one dies, the other can claim its unit as soon as the dead worker's lease expires.
 *
 * <p>The units topic has one partition here, fewer than the workers, as the design requires:
 * Kafka's share group assignor gives each partition to ceil(members / partitions) members, so with
 * as many partitions as workers each partition has a single member, and the units behind a busy
 * worker's partition would wait for it.
 */
@WithDevStack
class TwoWorkersTest {
  private static final int UNIT_PARTITIONS = 1;
  private static final int SLOW_SECONDS = 300;
  private static final JobId JOB = JobId.parse("job-two");

  @TempDir Path dir;
  private Fleet fleet;
  private ExampleRepo repo;
  private String fixer;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) {
    fleet = new Fleet(stack, namespace, dir, UNIT_PARTITIONS);
    repo = ExampleRepo.create(dir.resolve("repo"), 5, 0);
    fixer = ScriptedAgent.fixer(dir.resolve("quick")).command();
  }

  @AfterEach
  void closeFleet() {
    fleet.close();
  }

  @Test
  void noUnitWaitsBehindABusyWorker() {
    WorkUnit slow =
        TestUnits.aUnit(
            repo, JOB, 1, ScriptedAgent.slow(dir.resolve("slow"), SLOW_SECONDS).command());
    List<WorkUnit> quick =
        IntStream.rangeClosed(2, 5).mapToObj(n -> TestUnits.aUnit(repo, JOB, n, fixer)).toList();
    Worker w1 = fleet.start("w1");
    Worker w2 = fleet.start("w2");

    fleet.publish(slow);
    await("the slow unit runs")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(slow.key()).contains(UnitStatus.RUNNING));
    quick.forEach(fleet::publish);
    await("every quick unit is pushed")
        .atMost(Fleet.PATIENCE)
        .until(
            () ->
                quick.stream().allMatch(u -> fleet.statuses(u.key()).contains(UnitStatus.PUSHED)));

    assertThat(fleet.statuses(slow.key()))
        .as("the slow unit, still running")
        .containsExactly(UnitStatus.CLAIMED, UnitStatus.RUNNING);
    assertThat(w1.busySlots() + w2.busySlots()).as("busy slots").isEqualTo(1);
    String slowWorker = fleet.lastEvent(slow.key()).worker().value();
    assertThat(quick)
        .as("quick units pushed by the other worker")
        .allMatch(u -> !fleet.lastEvent(u.key()).worker().value().equals(slowWorker));
  }

  @Test
  void theLeaseOfAWorkerThatDiedFreesWithinTheWatchdogTimeoutForAnotherWorker() throws Exception {
    Path pids = Files.createDirectories(dir.resolve("pids"));
    WorkUnit unit =
        TestUnits.aUnit(
            repo,
            JOB,
            1,
            1,
            Agents.sleeper(dir.resolve("agent"), pids, 300),
            Duration.ofMinutes(5));
    WorkerConfig config = fleet.config("w1");
    WorkerClients clients = WorkerClients.connect(config);
    fleet.start(config, clients);
    fleet.publish(unit);
    await("the agent runs")
        .atMost(Fleet.PATIENCE)
        .until(() -> Files.exists(pids.resolve("u1.child.pid")));
    RLock lock = fleet.redis.getLock(fleet.keys.unitLock(unit.key()));
    assertThat(lock.tryLock(0, 10, TimeUnit.SECONDS)).as("the lock while w1 lives").isFalse();

    // The worker's connection to Redis dies with it: the watchdog stops renewing the lease.
    clients.redisson().shutdown(0, 5, TimeUnit.SECONDS);

    await("the lease expires")
        .atMost(Fleet.WATCHDOG.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !fleet.locked(unit.key()));
    WorkUnit nextAttempt = TestUnits.aUnit(repo, JOB, 1, 2, fixer, TestUnits.AGENT_TIMEOUT);
    fleet.start("w2");
    fleet.publish(nextAttempt);
    await("another worker pushes the next attempt")
        .atMost(Fleet.PATIENCE)
        .until(
            () ->
                fleet.unitEvents().stream()
                    .anyMatch(
                        e ->
                            e.attempt() == 2
                                && e.status() == UnitStatus.PUSHED
                                && e.worker().value().equals("w2")));

    assertThat(Processes.running(pids.resolve("u1.child.pid")))
        .as("the dead worker's agent, until its worker is closed")
        .isTrue();
    fleet.closeWorkers();
    assertThat(Processes.running(pids.resolve("u1.child.pid")))
        .as("the dead worker's agent after close")
        .isFalse();
    assertThat(fleet.unitEvents())
        .as("attempt 1 handed back")
        .anyMatch(e -> e.attempt() == 1 && e.reason() == Reason.WORKER_SHUTDOWN);
  }
}
