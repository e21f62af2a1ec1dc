package dev.fleetq.model;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.AgentSpec;
import dev.fleetq.model.job.ExplicitUnitsPlan;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.job.UnitSpec;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Valid example records for tests in every module, shared through this module's test-jar. Each
 * method returns a new, fully valid record; vary one by calling the record's constructor with the
 * fixture's other fields. Times are fixed so that results are repeatable.
 */
public final class ModelFixtures {

  /** The instant every fixture happens at. */
  public static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");

  /** The job id of the fixtures. */
  public static final JobId JOB = JobId.parse("job-test0000001");

  /** The unit id of single-unit fixtures. */
  public static final UnitId UNIT = UnitId.parse("u1");

  /** The worker of the fixtures. */
  public static final WorkerId WORKER = WorkerId.parse("worker-1");

  private ModelFixtures() {}

  /** A repository on a remote host, branch {@code main}. */
  public static RepoSpec aRepoSpec() {
    return new RepoSpec("https://git.example.com/acme/calc.git", "main");
  }

  /** An agent that runs a local script, with a five-minute timeout and three attempts. */
  public static AgentSpec anAgentSpec() {
    return new AgentSpec("./scripted-agent.sh", null, List.of("HOME"), Duration.ofMinutes(5), 3);
  }

  /** A gate that runs Maven's tests. */
  public static GateSpec aGateSpec() {
    return new GateSpec("mvn -B -q test", null, Duration.ofMinutes(10));
  }

  /** A unit with the given id, a target test and a scope. */
  public static UnitSpec aUnitSpec(String id) {
    return new UnitSpec(
        UnitId.parse(id),
        "Fix " + id,
        "Make CalculatorTest#" + id + " pass without changing the test.",
        List.of("com.acme.CalculatorTest#" + id),
        List.of("src/main/**"));
  }

  /** A plan that runs Maven's tests and makes one unit per failure. */
  public static FailingTestsPlan aFailingTestsPlan() {
    return new FailingTestsPlan("mvn -B -q test", null, Duration.ofMinutes(10));
  }

  /** A plan listing {@code count} units {@code u1} to {@code u<count>}. */
  public static ExplicitUnitsPlan anExplicitUnitsPlan(int count) {
    return new ExplicitUnitsPlan(
        IntStream.rangeClosed(1, count).mapToObj(i -> aUnitSpec("u" + i)).toList());
  }

  /** A failing-tests job without an id, as an engineer submits it. */
  public static JobSpec aJobSpec() {
    return new JobSpec(null, aRepoSpec(), aFailingTestsPlan(), anAgentSpec(), null, 0, Map.of());
  }

  /** A job with the fixture id listing {@code count} units, with a gate, priority and labels. */
  public static JobSpec aJobSpecWithUnits(int count) {
    return new JobSpec(
        JOB,
        aRepoSpec(),
        anExplicitUnitsPlan(count),
        anAgentSpec(),
        aGateSpec(),
        5,
        Map.of("team", "payments"));
  }

  /** The first attempt at unit {@code u1} of the fixture job. */
  public static WorkUnit aWorkUnit() {
    return aWorkUnit(JOB, UNIT, 1);
  }

  /** An attempt at the given unit, carrying a previous failure from the second attempt on. */
  public static WorkUnit aWorkUnit(JobId job, UnitId unit, int attempt) {
    UnitSpec spec = aUnitSpec(unit.value());
    return new WorkUnit(
        job,
        unit,
        attempt,
        aRepoSpec(),
        spec.title(),
        spec.prompt(),
        spec.targetTests(),
        spec.scope(),
        anAgentSpec(),
        aGateSpec(),
        attempt == 1 ? null : "attempt " + (attempt - 1) + " broke CalculatorTest#divides",
        0,
        T0);
  }

  /** Unit {@code u1} moved to {@code status} on its first attempt, on the fixture worker. */
  public static UnitEvent aUnitEvent(UnitStatus status) {
    return new UnitEvent(JOB, UNIT, 1, status, WORKER, null, null, T0);
  }

  /** The fixture job moved to {@code status}, with three units. */
  public static JobEvent aJobEvent(JobStatus status) {
    return new JobEvent(JOB, status, 3, null, T0);
  }

  /** A 40-character commit id made of one repeated hex digit. */
  public static String aCommit(char hexDigit) {
    return String.valueOf(hexDigit).repeat(40);
  }

  /** The fixture worker asks the gate to land the first attempt at {@code u1}. */
  public static GateRequest aGateRequest() {
    return aGateRequestIn(null);
  }

  /** The same request, from an agent that ran in a container of {@code image}. */
  public static GateRequest aGateRequestIn(String image) {
    return new GateRequest(
        JOB,
        UNIT,
        1,
        WORKER,
        aRepoSpec(),
        "fleetq/" + JOB + "/" + UNIT + "/a1",
        aCommit('c'),
        aCommit('b'),
        List.of("src/main/**"),
        List.of("com.acme.CalcTest#adds"),
        aGateSpec(),
        T0,
        image);
  }

  /** The gate landed the first attempt at {@code u1}, fixing one test. */
  public static GateVerdict aLandedVerdict() {
    return new GateVerdict(
        JOB,
        UNIT,
        1,
        aRepoSpec().repoId(),
        GateVerdict.Outcome.LANDED,
        null,
        List.of(),
        List.of("com.acme.CalculatorTest#u1"),
        List.of(),
        aCommit('d'),
        1,
        Duration.ofSeconds(42),
        T0);
  }

  /** The gate refused the first attempt at {@code u1} for {@code reason}, naming a broken test. */
  public static GateVerdict aRefusedVerdict(Reason reason) {
    return new GateVerdict(
        JOB,
        UNIT,
        1,
        aRepoSpec().repoId(),
        GateVerdict.Outcome.REFUSED,
        reason,
        List.of("com.acme.CalculatorTest#adds"),
        List.of(),
        List.of("com.acme.ClockTest#ticks"),
        null,
        3,
        Duration.ofSeconds(90),
        T0);
  }
}
