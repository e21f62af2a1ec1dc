package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.WorkerHeartbeat;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.model.wire.Json;
import dev.fleetq.worker.testing.Agents;
import dev.fleetq.worker.testing.TestUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.client.codec.StringCodec;

/** The happy path: a worker pulls, works, commits, merges, pushes and asks the gate, per unit. */
@WithDevStack
class WorkerPushesUnitsTest {
  private static final JobId JOB = JobId.parse("job-push");
  private final Git git =
      new Git(new Git.Identity("t", "t@fleetq.invalid"), Duration.ofSeconds(30));

  @TempDir Path dir;
  private Fleet fleet;
  private ExampleRepo repo;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) {
    fleet = new Fleet(stack, namespace, dir, 2);
    repo = ExampleRepo.create(dir.resolve("repo"), 3, 1);
  }

  @AfterEach
  void closeFleet() {
    fleet.close();
  }

  @Test
  void workerPushesOneCommitPerUnitAndAsksTheGateToLandIt() throws IOException {
    String fixer = ScriptedAgent.fixer(dir.resolve("agent")).command();
    List<WorkUnit> units =
        IntStream.rangeClosed(1, 3).mapToObj(n -> TestUnits.aUnit(repo, JOB, n, fixer)).toList();
    Worker worker = fleet.start("w1");
    units.forEach(fleet::publish);

    await("three gate requests")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.gateRequests().size() == 3);
    await("every lock released")
        .atMost(Fleet.PATIENCE)
        .until(() -> units.stream().noneMatch(unit -> fleet.locked(unit.key())));

    for (ConsumerRecord<String, String> record : fleet.gateRecords()) {
      assertThat(record.key()).as("gate request key").isEqualTo(repo(units).value());
    }
    for (WorkUnit unit : units) {
      GateRequest request = requestOf(unit);
      int n = Integer.parseInt(unit.unitId().value().substring(1));
      String commit = request.candidateCommit();
      assertThat(git.run(repo.origin(), "rev-parse", "refs/heads/" + request.candidateBranch()))
          .as("%s: the candidate branch in the origin", unit.key())
          .isEqualTo(commit);
      assertThat(request.candidateBranch()).as("branch").isEqualTo("fleetq/job-push/u" + n + "/a1");
      assertThat(request.baseCommit()).as("base commit").isEqualTo(repo.mainHead());
      assertThat(request.worker()).as("worker").isEqualTo(worker.id());
      assertThat(request.attempt()).as("attempt").isEqualTo(1);
      assertThat(git.run(repo.origin(), "show", commit + ":src/f0" + n + ".txt"))
          .as("%s: the fixed file", unit.key())
          .isEqualTo(ExampleRepo.fixedContent(n));
      assertThat(git.run(repo.origin(), "rev-list", "--count", repo.mainHead() + ".." + commit))
          .as("%s: commits on the candidate", unit.key())
          .isEqualTo("1");
      assertThat(git.run(repo.origin(), "ls-tree", "-r", "--name-only", commit).lines())
          .as("%s: files in the candidate", unit.key())
          .noneMatch(path -> path.startsWith(".fleetq"));
      assertThat(trailer(commit, "Fleetq-Job")).as("job trailer").isEqualTo("job-push");
      assertThat(trailer(commit, "Fleetq-Unit")).as("unit trailer").isEqualTo("u" + n);
      assertThat(trailer(commit, "Fleetq-Attempt")).as("attempt trailer").isEqualTo("1");
      assertThat(trailer(commit, "Fleetq-Worker")).as("worker trailer").isEqualTo("w1");
      assertThat(fleet.statuses(unit.key()))
          .as("%s: events", unit.key())
          .containsExactly(UnitStatus.CLAIMED, UnitStatus.RUNNING, UnitStatus.PUSHED);
    }
    assertThat(fleet.unitEvents())
        .as("every event names the worker")
        .allMatch(e -> e.worker() != null);
    assertThat(worktrees("w1")).as("worktrees left").isEmpty();
    assertThat(repo.mainLog("%s")).as("main in the origin").hasSize(1);
  }

  @Test
  void workerWritesItsHeartbeatWithATimeToLive() {
    fleet.start("w1");
    String key = fleet.keys.worker(WorkerId.parse("w1"));

    await("heartbeat")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.redis.getBucket(key, StringCodec.INSTANCE).isExists());
    WorkerHeartbeat beat =
        Json.decode(
            (String) fleet.redis.getBucket(key, StringCodec.INSTANCE).get(), WorkerHeartbeat.class);

    assertThat(beat.worker()).as("worker").isEqualTo(WorkerId.parse("w1"));
    assertThat(beat.slots()).as("slots").isEqualTo(1);
    assertThat(beat.units()).as("units").isEmpty();
    assertThat(fleet.redis.getBucket(key).remainTimeToLive()).as("time to live in ms").isPositive();
  }

  @Test
  void anAgentThatChangesNothingEndsTheAttemptWithNoChanges() {
    WorkUnit unit = TestUnits.aUnit(repo, JOB, 1, Agents.idle(dir.resolve("agent")));
    fleet.start("w1");
    fleet.publish(unit);

    await("the attempt ends")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(unit.key()).contains(UnitStatus.RETRYING));
    UnitEvent last = fleet.lastEvent(unit.key());

    assertThat(last.reason()).as("reason").isEqualTo(Reason.NO_CHANGES);
    assertThat(fleet.gateRequests()).as("gate requests").isEmpty();
  }

  @Test
  void aUnitWhoseTargetsAlreadyPassOnMainIsSupersededWithoutRunningItsAgent() {
    Path ran = dir.resolve("agent-ran");
    String agent = "touch " + ran + "-$FLEETQ_UNIT_ID";
    WorkUnit done = TestUnits.aUnit(repo, JOB, 1, agent);
    WorkUnit open = TestUnits.aUnit(repo, JOB, 2, agent);
    String main = repo.mainHead();
    fleet
        .redis
        .getBucket(fleet.keys.gate(done.repo().repoId()), StringCodec.INSTANCE)
        .set(
            Json.encodeToString(
                new GateBaseline(
                    done.repo().repoId(),
                    main,
                    Set.of(ExampleRepo.testId(1), ExampleRepo.testId(3)),
                    Instant.now())));
    fleet.start("w1");
    fleet.publish(done);
    fleet.publish(open);

    await("both attempts end")
        .atMost(Fleet.PATIENCE)
        .until(
            () ->
                fleet.statuses(done.key()).contains(UnitStatus.SUPERSEDED)
                    && fleet.statuses(open.key()).contains(UnitStatus.RETRYING));

    assertThat(fleet.statuses(done.key()))
        .as("events of the unit main already fixed")
        .containsExactly(UnitStatus.CLAIMED, UnitStatus.SUPERSEDED);
    assertThat(fleet.lastEvent(done.key()).detail())
        .as("what did its work")
        .startsWith(main + "\nsuperseded: main at " + main)
        .endsWith(ExampleRepo.testId(1));
    assertThat(dir.resolve("agent-ran-u1")).as("the superseded unit's agent").doesNotExist();
    assertThat(dir.resolve("agent-ran-u2")).as("the other unit's agent").exists();
    assertThat(fleet.redis.getLock(fleet.keys.unitLock(done.key())).isLocked())
        .as("the superseded unit's lock")
        .isFalse();
  }

  private GateRequest requestOf(WorkUnit unit) {
    return fleet.gateRequests().stream()
        .filter(request -> request.key().equals(unit.key()))
        .findFirst()
        .orElseThrow();
  }

  private static dev.fleetq.model.id.RepoId repo(List<WorkUnit> units) {
    return units.get(0).repo().repoId();
  }

  private String trailer(String commit, String key) {
    return git.run(
            repo.origin(), "log", "-1", "--format=%(trailers:key=" + key + ",valueonly)", commit)
        .strip();
  }

  private List<Path> worktrees(String workerId) throws IOException {
    Path units = dir.resolve("workers").resolve(workerId).resolve("units");
    if (!Files.isDirectory(units)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(units)) {
      return entries.toList();
    }
  }
}
