package dev.fleetq.coordinator.plan;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.job.AgentSpec;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.FailingTestsPlan.GroupBy;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.Plan;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.redisson.client.codec.StringCodec;

@WithDevStack
class PlannerTest {
  private static final JobId JOB = JobId.parse("job-plan");
  private static final List<String> REPORTS = List.of(ExampleRepo.REPORT_GLOB);

  @TempDir Path dir;
  private Harness harness;
  private Planner planner;
  private TopicTail events;
  private TopicTail units;

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace) {
    harness = new Harness(stack, namespace, dir.resolve("work")).provision();
    harness.startExecutor("executor");
    Clock clock = Clock.systemUTC();
    planner =
        new Planner(
            harness.config().workDir(),
            new Git(new Git.Identity("planner test", "t@fleetq.invalid"), Duration.ofSeconds(60)),
            harness.suites(),
            harness.publisher(clock),
            harness.events(),
            harness.redis(),
            harness.keys(),
            clock);
    events = harness.tail(harness.topics().events());
    units = harness.tail(harness.topics().units());
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void failingTestsBecomeOneUnitEachAndPassingTestsTheGatesBaseline() {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 5, 3);

    planner.plan(job(repo.url(), new FailingTestsPlan(ExampleRepo.TEST_COMMAND, REPORTS, null)));

    List<WorkUnit> published = awaitUnits(5);
    assertThat(published)
        .as("target test of each unit (the units topic has two partitions, so in any order)")
        .extracting(unit -> unit.targetTests())
        .containsExactlyInAnyOrderElementsOf(
            repo.failing().stream().map(n -> List.of(ExampleRepo.testId(n))).toList());
    WorkUnit first =
        published.stream()
            .filter(u -> u.unitId().value().endsWith("t01"))
            .findFirst()
            .orElseThrow();
    assertThat(first.unitId().value()).as("unit id").isEqualTo("example.tests.t01");
    assertThat(first.title()).as("title").isEqualTo("Fix example.tests#t01");
    assertThat(first.prompt())
        .as("prompt")
        .contains("> expected fixed-01 in src/f01.txt, got broken-01");
    assertThat(first.attempt()).as("attempt").isEqualTo(1);
    assertThat(first.gate().testCommand()).as("gate command").isEqualTo(ExampleRepo.TEST_COMMAND);
    assertThat(jobStatuses())
        .as("job events")
        .containsExactly(JobStatus.PLANNING, JobStatus.RUNNING);
    assertThat(events.jobEvents().get(1).unitCount()).as("unit count of RUNNING").isEqualTo(5);
    assertThat(events.unitEvents())
        .as("PUBLISHED events")
        .extracting(UnitEvent::status)
        .containsOnly(UnitStatus.PUBLISHED)
        .hasSize(5);
    GateBaseline baseline =
        Json.decode(
            harness
                .redis()
                .<String>getBucket(
                    harness.keys().gate(new RepoSpec(repo.url(), null).repoId()),
                    StringCodec.INSTANCE)
                .get(),
            GateBaseline.class);
    assertThat(baseline.passing())
        .as("baseline")
        .containsExactlyInAnyOrderElementsOf(
            repo.passing().stream().map(ExampleRepo::testId).toList());
    assertThat(baseline.commit()).as("baseline commit").isEqualTo(repo.mainHead());
    assertThat(harness.redis().getAtomicLong(harness.keys().attempt(first.key())).get())
        .as("fence")
        .isEqualTo(1);
    assertThat(Files.exists(harness.config().workDir().resolve("plans").resolve(JOB.value())))
        .as("clone left behind")
        .isFalse();
  }

  @ParameterizedTest(name = "groupBy {0}")
  @EnumSource(GroupBy.class)
  void failingTestsWithOneRootCauseShareAUnitWhenGroupedBySignature(GroupBy groupBy) {
    ExampleRepo repo = ExampleRepo.withRootCauses(dir.resolve("repo"), List.of(3, 1), 1);
    List<String> first =
        List.of(ExampleRepo.testId(1), ExampleRepo.testId(2), ExampleRepo.testId(3));

    planner.plan(
        job(repo.url(), new FailingTestsPlan(ExampleRepo.TEST_COMMAND, REPORTS, null, groupBy)));

    List<List<String>> expected =
        switch (groupBy) {
          case TEST -> repo.failing().stream().map(n -> List.of(ExampleRepo.testId(n))).toList();
          case SIGNATURE -> List.of(first, List.of(ExampleRepo.testId(4)));
          case CLASS, FILE -> List.of(repo.failing().stream().map(ExampleRepo::testId).toList());
        };
    List<WorkUnit> published = awaitUnits(expected.size());
    assertThat(published)
        .as("targets of each unit")
        .extracting(WorkUnit::targetTests)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(events.jobEvents().get(1).targetTests()).as("target tests of RUNNING").isEqualTo(4);
    if (groupBy == GroupBy.SIGNATURE) {
      WorkUnit shared =
          published.stream().filter(u -> u.targetTests().size() == 3).findFirst().orElseThrow();
      assertThat(shared.unitId().value()).as("unit id").isEqualTo("example.tests.t01");
      assertThat(shared.title()).as("title").isEqualTo("Fix example.tests#t01 and 2 more");
      assertThat(shared.prompt())
          .as("prompt")
          .contains("These 3 tests fail the same way")
          .contains("- example.tests#t01 fails", "- example.tests#t03 fails")
          .contains("> example.BrokenValueError: src/c01.txt holds broken-c01");
    }
  }

  @Test
  void explicitUnitsArePublishedAsGiven() {
    JobSpec job = ModelFixtures.aJobSpecWithUnits(3).withId(JOB);

    planner.plan(job);

    List<WorkUnit> published = awaitUnits(3);
    assertThat(published)
        .as("units")
        .extracting(unit -> unit.unitId().value())
        .containsExactlyInAnyOrder("u1", "u2", "u3");
    WorkUnit second =
        published.stream().filter(u -> u.unitId().value().equals("u2")).findFirst().orElseThrow();
    assertThat(second.prompt())
        .as("prompt of u2")
        .isEqualTo(ModelFixtures.aUnitSpec("u2").prompt());
    assertThat(second.scope()).as("scope of u2").isEqualTo(List.of("src/main/**"));
    assertThat(second.priority()).as("priority").isEqualTo(5);
    eventually().until(() -> jobStatuses().contains(JobStatus.RUNNING));
    assertThat(events.jobEvents().get(1).unitCount()).as("unit count of RUNNING").isEqualTo(3);
  }

  @Test
  void repositoryThatCannotBeReadFailsTheJobNamingUrlAndGitsMessage() {
    String url = dir.resolve("no-such-repo.git").toUri().toString();

    planner.plan(job(url, new FailingTestsPlan(ExampleRepo.TEST_COMMAND, REPORTS, null)));

    assertThat(failure())
        .as("detail")
        .startsWith("cannot read " + url + " (branch main): git exited with 128: ")
        .contains("does not appear to be a git repository");
  }

  @Test
  void testCommandThatIsNotFoundFailsTheJobSayingSo() {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 1, 1);

    planner.plan(job(repo.url(), new FailingTestsPlan("./no-such-runner --all", REPORTS, null)));

    assertThat(failure())
        .as("detail")
        .startsWith("the test command './no-such-runner --all' was not found (sh exited with 127)")
        .contains("no test reports matching [reports/*.xml]")
        .contains("not found");
  }

  @Test
  void testCommandThatRunsTooLongFailsTheJobWithTheTimeout() {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 1, 1);

    planner.plan(job(repo.url(), new FailingTestsPlan("sleep 60", REPORTS, Duration.ofSeconds(1))));

    assertThat(failure())
        .as("detail")
        .startsWith("the test command 'sleep 60' timed out after PT1S");
  }

  @Test
  void testCommandThatLeavesNoReportsFailsTheJobNamingTheGlobs() {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 1, 1);

    planner.plan(
        job(
            repo.url(),
            new FailingTestsPlan("echo all good", List.of("build/test-results/*.xml"), null)));

    assertThat(failure())
        .as("detail")
        .startsWith(
            "the test command 'echo all good' exited with 0 and left no test reports matching [build/test-results/*.xml]")
        .endsWith("its last output:\nall good");
  }

  @Test
  void suiteRunTakesTheAgentsImageAndAnExecutorWithoutAnEngineSaysSo() {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 1, 1);
    AgentSpec agent =
        new AgentSpec("./agent.sh", "fleetq-test/agent:1", List.of(), Duration.ofMinutes(5), 3);

    planner.plan(
        new JobSpec(
            JOB,
            new RepoSpec(repo.url(), null),
            new FailingTestsPlan(ExampleRepo.TEST_COMMAND, REPORTS, null),
            agent,
            null,
            0,
            Map.of()));

    assertThat(failure())
        .as("detail")
        .startsWith("executor ")
        .contains(
            ": the suite runs in the image fleetq-test/agent:1, but this worker has no Docker"
                + " engine (fleetq worker --docker-host)");
  }

  @Test
  void jobWithoutFailingTestsSucceedsAtOnceWithNoUnits() {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 0, 3);

    planner.plan(job(repo.url(), new FailingTestsPlan(ExampleRepo.TEST_COMMAND, REPORTS, null)));

    eventually().until(() -> jobStatuses().contains(JobStatus.SUCCEEDED));
    assertThat(jobStatuses())
        .as("job events")
        .containsExactly(JobStatus.PLANNING, JobStatus.SUCCEEDED);
    assertThat(events.jobEvents().get(1).unitCount()).as("unit count").isZero();
    assertThat(events.jobEvents().get(1).detail())
        .as("detail")
        .startsWith("0 failing and 3 passing tests on main at ");
    assertThat(units.records()).as("units published").isEmpty();
  }

  private static JobSpec job(String url, Plan plan) {
    return new JobSpec(
        JOB, new RepoSpec(url, null), plan, ModelFixtures.anAgentSpec(), null, 0, Map.of());
  }

  private List<WorkUnit> awaitUnits(int count) {
    eventually()
        .until(() -> units.records().size() >= count && jobStatuses().contains(JobStatus.RUNNING));
    return units.units();
  }

  private String failure() {
    eventually().until(() -> jobStatuses().contains(JobStatus.FAILED));
    assertThat(jobStatuses())
        .as("job events")
        .containsExactly(JobStatus.PLANNING, JobStatus.FAILED);
    assertThat(units.records()).as("units published").isEmpty();
    return events.jobEvents().get(1).detail();
  }

  private List<JobStatus> jobStatuses() {
    return events.jobEvents().stream().map(JobEvent::status).toList();
  }
}
