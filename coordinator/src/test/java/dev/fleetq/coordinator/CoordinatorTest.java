package dev.fleetq.coordinator;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.client.codec.StringCodec;

@WithDevStack
class CoordinatorTest {
  private static final JobId JOB = JobId.parse("job-e2e");

  @TempDir Path dir;
  private Harness harness;

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace) {
    harness = new Harness(stack, namespace, dir.resolve("work"));
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void plansAnExampleRepositoryAndSucceedsTheJobOnceEveryUnitLanded() {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 3, 2);
    Coordinator coordinator = Coordinator.create(harness.config(), Clock.systemUTC());
    harness.own(coordinator);
    assertThat(coordinator.isReady()).as("ready before start").isFalse();

    coordinator.start();
    harness.startExecutor("executor");
    eventually().until(coordinator::isReady);
    JobSpec job =
        new JobSpec(
            JOB,
            new RepoSpec(repo.url(), null),
            new FailingTestsPlan(ExampleRepo.TEST_COMMAND, List.of(ExampleRepo.REPORT_GLOB), null),
            ModelFixtures.anAgentSpec(),
            null,
            0,
            Map.of());
    harness.produce(harness.topics().jobs(), JOB.value(), Json.encodeToString(job));
    TopicTail units = harness.tail(harness.topics().units());
    eventually().until(() -> units.records().size() == 3);
    for (WorkUnit unit : units.units()) {
      workAndLand(unit);
    }

    eventually()
        .until(
            () ->
                coordinator.jobStates().job(JOB).map(JobState::status).orElse(null)
                    == JobStatus.SUCCEEDED);
    assertThat(coordinator.jobStates().units(JOB))
        .as("units")
        .extracting(unit -> unit.status())
        .containsOnly(UnitStatus.LANDED)
        .hasSize(3);
    long started = System.nanoTime();
    coordinator.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("time to close")
        .isLessThan(harness.config().shutdownTimeout());
    assertThat(coordinator.isReady()).as("ready after close").isFalse();
  }

  @Test
  void extensionsStartAfterTheCoreWithItsServicesAndStopBeforeIt() {
    List<String> log = new CopyOnWriteArrayList<>();
    Coordinator.Extension gate =
        services -> {
          log.add("gate started, jobs topic " + services.config().topics().jobs());
          return () -> log.add("gate stopped");
        };
    Coordinator.Extension api =
        services -> {
          log.add("api started, ready " + services.readiness().get().ready());
          return () -> log.add("api stopped");
        };
    Coordinator coordinator =
        Coordinator.create(harness.config(), Clock.systemUTC(), List.of(gate, api));

    coordinator.start();
    coordinator.close();

    assertThat(log)
        .as("lifecycle of the extensions")
        .containsExactly(
            "gate started, jobs topic " + harness.topics().jobs(),
            "api started, ready false",
            "api stopped",
            "gate stopped");
    assertThatThrownBy(coordinator::start)
        .as("starting a closed coordinator")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void extensionThatFailsToStartStopsTheStartAndWhatHadStarted() {
    List<String> log = new CopyOnWriteArrayList<>();
    Coordinator.Extension first =
        services -> {
          log.add("first started");
          return () -> log.add("first stopped");
        };
    Coordinator.Extension broken =
        services -> {
          throw new IllegalArgumentException("no port");
        };
    Coordinator coordinator =
        Coordinator.create(harness.config(), Clock.systemUTC(), List.of(first, broken));

    assertThatThrownBy(coordinator::start)
        .as("start with a broken extension")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no port");
    assertThat(log).as("lifecycle").containsExactly("first started", "first stopped");
    assertThat(coordinator.isReady()).as("ready").isFalse();
  }

  /** What a worker and the gate report for an attempt that lands. */
  private void workAndLand(WorkUnit unit) {
    harness
        .redis()
        .<String>getBucket(harness.keys().landed(unit.key()), StringCodec.INSTANCE)
        .set(ModelFixtures.aCommit('e'));
    Instant at = Instant.now();
    for (UnitStatus status :
        List.of(
            UnitStatus.CLAIMED,
            UnitStatus.RUNNING,
            UnitStatus.PUSHED,
            UnitStatus.GATING,
            UnitStatus.LANDED)) {
      harness.emit(
          new UnitEvent(
              unit.jobId(),
              unit.unitId(),
              unit.attempt(),
              status,
              ModelFixtures.WORKER,
              null,
              null,
              at));
    }
  }
}
