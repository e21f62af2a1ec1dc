package dev.fleetq.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.worker.Worker;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole fleet, end to end: coordinator, gate and workers on real Kafka, Redis and git. */
@WithDevStack
class FanOutTest {
  private static final Duration PATIENCE = Duration.ofMinutes(4);
  private static final Git GIT =
      new Git(new Git.Identity("test", "test@fleetq.invalid"), Duration.ofSeconds(30));

  @Test
  void twentyFailingTestsLandOncePerUnitThroughTheGate(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 20, 3);
    JobId job = JobId.parse("job-twenty");
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      List<Worker> workers = new ArrayList<>();
      for (int w = 1; w <= 4; w++) {
        workers.add(fleet.addWorker("worker-" + w, 1));
      }

      fleet.submit(
          job.value(),
          Jobs.failingTests(
              job.value(), repo, ScriptedAgent.fixer(dir.resolve("agent")).command(), 3));

      JobState done = awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(done.count(UnitStatus.LANDED)).as("landed units").isEqualTo(20);
      List<UnitEvent> landed = landedEvents(fleet, job);
      assertThat(landed).as("LANDED events").hasSize(20);
      assertThat(landed.stream().map(UnitEvent::unitId).distinct().count())
          .as("distinct units landed")
          .isEqualTo(20);
      // The planner's run and the gate's few runs come one after another, so the share group may
      // give them all to one executor; twoJobsPlannedAtOnceRunTheirSuitesOnTwoExecutors shows two.
      assertThat(workers.stream().mapToDouble(FanOutTest::suiteRuns).sum())
          .as("suite runs the fleet's workers did as executors: the planner's and the gate's")
          .isGreaterThanOrEqualTo(2);
    }

    List<String> landings =
        repo.mainLog("%s").stream().filter(subject -> subject.startsWith("Land ")).toList();
    assertThat(landings).as("gate-landed commits on main").hasSize(20);
    Set<String> trailerUnits =
        repo.mainLog("%(trailers:key=Fleetq-Unit,valueonly)").stream()
            .filter(line -> !line.isBlank())
            .collect(Collectors.toSet());
    assertThat(trailerUnits).as("units named by Fleetq-Unit trailers on main").hasSize(20);
    assertThat(
            repo.mainLog("%(trailers:key=Fleetq-Worker,valueonly)").stream()
                .filter(line -> !line.isBlank())
                .collect(Collectors.toSet()))
        .as("workers named by Fleetq-Worker trailers")
        .isSubsetOf("worker-1", "worker-2", "worker-3", "worker-4")
        .isNotEmpty();
    assertThat(suiteOnMain(repo, dir).exitCode()).as("test suite on the final main").isZero();
  }

  @Test
  void twoJobsPlannedAtOnceRunTheirSuitesOnTwoExecutors(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo first = ExampleRepo.create(Files.createDirectories(dir.resolve("first")), 1, 1);
    ExampleRepo second = ExampleRepo.create(Files.createDirectories(dir.resolve("second")), 1, 1);
    Path meetings = dir.resolve("meetings");
    String rendezvous = Rendezvous.write(dir.resolve("rendezvous"), meetings, 2);
    String fixer = ScriptedAgent.fixer(dir.resolve("agent")).command();
    JobId[] jobs = {JobId.parse("job-first"), JobId.parse("job-second")};
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      Worker one = fleet.addWorker("worker-1", 1);
      Worker two = fleet.addWorker("worker-2", 1);

      // Each job's planning run waits until the other's has started: they meet only when two
      // executors run them at once, since a suite slot takes a request only when it is idle.
      fleet.submit(
          jobs[0].value(), Jobs.failingTestsTestedBy("job-first", first, fixer, 3, rendezvous));
      fleet.submit(
          jobs[1].value(), Jobs.failingTestsTestedBy("job-second", second, fixer, 3, rendezvous));

      for (JobId job : jobs) {
        JobState done = awaitEnd(fleet, job);
        assertThat(done.status()).as("status of %s (%s)", job, done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.count(UnitStatus.LANDED)).as("landed units of %s", job).isEqualTo(1);
      }
      assertThat(Rendezvous.outcomes(meetings))
          .as("how the suite runs met (alone: no other run started within the rendezvous' bound)")
          .hasSizeGreaterThanOrEqualTo(2)
          .doesNotContain("alone");
      assertThat(List.of(suiteRuns(one), suiteRuns(two)))
          .as("suite runs of worker-1 and worker-2 as executors")
          .allSatisfy(runs -> assertThat(runs).isGreaterThanOrEqualTo(1));
    }
  }

  @Test
  void aFixThatBreaksAPassingTestIsRefusedAndItsRetryLands(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 3, 2);
    int victim = 4;
    JobId job = JobId.parse("job-breaker");
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      fleet.addWorker("worker-1", 1);
      fleet.addWorker("worker-2", 1);

      Path tasks = Files.createDirectories(dir.resolve("tasks"));
      String breaker = ScriptedAgent.breaksOnAttempt(dir.resolve("agent"), 1, victim).command();
      String keepTaskThenWork =
          "cp \\\"$FLEETQ_TASK_FILE\\\" "
              + tasks
              + "/$FLEETQ_UNIT_ID-a$FLEETQ_ATTEMPT.md && "
              + breaker;
      fleet.submit(job.value(), Jobs.failingTests(job.value(), repo, keepTaskThenWork, 3));

      JobState done = awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      List<UnitEvent> refusals =
          fleet.trail().units(job).stream()
              .filter(e -> e.status() == UnitStatus.RETRYING && e.reason() == Reason.REGRESSION)
              .toList();
      assertThat(refusals).as("refusals for the broken test").hasSize(3);
      assertThat(refusals)
          .as("refusal details")
          .allSatisfy(e -> assertThat(e.detail()).contains(ExampleRepo.testId(victim)));
      assertThat(refusals)
          .as("the tests each refusal names")
          .allSatisfy(e -> assertThat(e.tests()).containsExactly(ExampleRepo.testId(victim)));
      assertThat(landedEvents(fleet, job))
          .as("landings")
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.attempt()).as("landed attempt").isEqualTo(2));
      try (Stream<Path> retried = Files.list(tasks).filter(f -> f.toString().endsWith("-a2.md"))) {
        assertThat(retried.toList())
            .as("TASK.md of the second attempts")
            .hasSize(3)
            .allSatisfy(
                task ->
                    assertThat(Files.readString(task))
                        .as("%s shows the refusal", task.getFileName())
                        .contains(ExampleRepo.testId(victim)));
      }
    }

    for (String commit : repo.mainLog("%H")) {
      assertThat(GIT.run(repo.origin(), "show", commit + ":src/f04.txt"))
          .as("the victim's file at main commit %s", commit)
          .isEqualTo(ExampleRepo.fixedContent(victim));
    }
  }

  @Test
  void malformedJobIsDeadLetteredAndTheNextJobRuns(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 2, 1);
    JobId job = JobId.parse("job-after-garbage");
    try (Fleet fleet = Fleet.start(stack, ns, dir);
        DeadLetterReader dlq =
            new DeadLetterReader(stack.bootstrapServers(), fleet.topics().dlq())) {
      fleet.addWorker("worker-1", 1);

      fleet.submit("garbage", "{\"repo\": {\"url\": ");
      fleet.submit(
          job.value(),
          Jobs.explicitUnits(
              job.value(), repo, ScriptedAgent.fixer(dir.resolve("agent")).command(), 2));

      JobState done = awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(dlq.errors())
                      .as("dead-letter errors")
                      .anySatisfy(error -> assertThat(error).contains("malformed JSON")));
    }
  }

  @Test
  void cancelledJobStopsItsRunningUnitAndNeverRunsTheQueuedOnes(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 3, 0);
    Path pids = dir.resolve("pids");
    ScriptedAgent sleeper = SleepingAgent.write(dir.resolve("agent"), pids, 120);
    JobId job = JobId.parse("job-cancelled");
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      fleet.addWorker("worker-1", 1);
      fleet.submit(job.value(), Jobs.explicitUnits(job.value(), repo, sleeper.command(), 3));
      await()
          .atMost(PATIENCE)
          .until(() -> fleet.trail().countByStatus(job).getOrDefault(UnitStatus.RUNNING, 0L) == 1);

      assertThat(fleet.cancel(job)).as("HTTP status of the cancel").isEqualTo(202);

      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                JobState state = fleet.job(job).orElseThrow();
                assertThat(state.status()).as("job status").isEqualTo(JobStatus.CANCELLED);
                assertThat(state.count(UnitStatus.CANCELLED)).as("cancelled units").isEqualTo(3);
              });
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> assertThat(SleepingAgent.alive(pids)).as("agents still alive").isEmpty());
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Map<UnitStatus, Long> counts = fleet.trail().countByStatus(job);
                assertThat(counts.getOrDefault(UnitStatus.RUNNING, 0L))
                    .as("units that ever ran")
                    .isEqualTo(1);
                assertThat(counts.getOrDefault(UnitStatus.LANDED, 0L)).as("landed").isZero();
              });
    }
  }

  @Test
  void jobProducedByKcatRunsLikeAnyOther(DevStack stack, TestNamespace ns, @TempDir Path dir)
      throws Exception {
    Optional<Path> kcat =
        Stream.of("/usr/bin/kcat", "/usr/local/bin/kcat")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    Assumptions.assumeTrue(
        kcat.isPresent(), "kcat is not installed (Debian package kafkacat); .ci/run installs it");
    ExampleRepo repo = ExampleRepo.create(dir, 2, 1);
    JobId job = JobId.parse("job-from-kcat");
    String json =
        Jobs.failingTests(job.value(), repo, ScriptedAgent.fixer(dir.resolve("agent")).command(), 3)
            .replace("\n", " ");
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      fleet.addWorker("worker-1", 1);

      Process producer =
          new ProcessBuilder(
                  kcat.get().toString(),
                  "-P",
                  "-b",
                  stack.bootstrapServers(),
                  "-t",
                  fleet.topics().jobs(),
                  "-k",
                  job.value(),
                  "-X",
                  "partitioner=murmur2_random")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("kcat.log").toFile())
              .start();
      try (var stdin = producer.getOutputStream()) {
        stdin.write((json + "\n").getBytes(StandardCharsets.UTF_8));
      }
      assertThat(producer.waitFor(1, TimeUnit.MINUTES)).as("kcat finished").isTrue();
      assertThat(producer.exitValue()).as("kcat exit status").isZero();

      JobState done = awaitEnd(fleet, job);
      assertThat(done.status()).as("job status (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(done.count(UnitStatus.LANDED)).as("landed units").isEqualTo(2);
    }
  }

  /** How many suite runs a worker's executor ended, whatever their outcome. */
  static double suiteRuns(Worker worker) {
    return worker.metrics().scrape().stream()
        .filter(snapshot -> snapshot.getMetadata().getName().equals("fleetq_suite_runs"))
        .map(CounterSnapshot.class::cast)
        .flatMap(snapshot -> snapshot.getDataPoints().stream())
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  static JobState awaitEnd(Fleet fleet, JobId job) {
    return await()
        .atMost(PATIENCE)
        .until(
            () -> fleet.job(job).orElse(null),
            state -> state != null && state.status().isTerminal());
  }

  static List<UnitEvent> landedEvents(Fleet fleet, JobId job) {
    return fleet.trail().units(job).stream().filter(e -> e.status() == UnitStatus.LANDED).toList();
  }

  /** Runs the example's suite on a fresh clone of main. */
  static SandboxResult suiteOnMain(ExampleRepo repo, Path dir) {
    Path clone = dir.resolve("final-main");
    GIT.run(dir, "clone", "--quiet", repo.url(), clone.toString());
    return new ProcessSandbox()
        .run(
            new SandboxRun(
                ExampleRepo.TEST_COMMAND,
                clone,
                Map.of(),
                List.of(),
                Duration.ofMinutes(1),
                dir.resolve("final-suite.log"),
                dir.resolve("final-scratch")));
  }
}
