package dev.fleetq.fleet;

import static dev.fleetq.fleet.FanOutTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Two units of one job target the same failing test, as two tests with one root cause do: the first
 * lands its fix while the second's agent still runs, and the landing supersedes the second. Real
 * coordinator, workers, Kafka, Redis, git and agent processes.
 */
@WithDevStack
class SupersedeTest {
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  @Test
  void aUnitWhoseTargetsALandingFixedIsSupersededItsAgentKilledAndNothingOfItLands(
      DevStack stack, TestNamespace ns, @TempDir Path dir) throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 1, 1);
    Path pids = dir.resolve("pids");
    ScriptedAgent sleeper = SleepingAgent.write(dir.resolve("agent"), pids, 120);
    ScriptedAgent fixer = ScriptedAgent.fixer(dir.resolve("fixer"));
    Path agent = dir.resolve("agent/one-fixes-one-sleeps.sh");
    // u1 fixes its target once u2's agent is running (bounded wait), so the landing finds u2
    // RUNNING.
    Files.writeString(
        agent,
        "#!/bin/sh\n"
            + "if [ \"$FLEETQ_UNIT_ID\" = u2 ]; then exec /bin/sh "
            + sleeper.script()
            + "; fi\n"
            + "i=0; while [ ! -s "
            + pids
            + "/u2-a1 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done\n"
            + "exec /bin/sh "
            + fixer.script()
            + "\n");
    JobId job = JobId.parse("job-supersede");
    try (Fleet fleet = Fleet.start(stack, ns, dir)) {
      fleet.addWorker("worker-1", 1);
      fleet.addWorker("worker-2", 1);
      fleet.submit(job.value(), twoUnitsForOneTest(job, repo, "/bin/sh " + agent));

      JobState done = awaitEnd(fleet, job);

      assertThat(done.status()).as("job (%s)", done).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(done.detail())
          .as("detail")
          .startsWith("1 landed and 1 superseded (main already did their work) of 2 units");
      List<UnitStatus> u2 =
          fleet.trail().units(job).stream()
              .filter(e -> e.unitId().value().equals("u2"))
              .map(UnitEvent::status)
              .toList();
      assertThat(u2)
          .as("events of the superseded unit")
          .contains(UnitStatus.RUNNING, UnitStatus.SUPERSEDED)
          .doesNotContain(UnitStatus.PUSHED, UnitStatus.LANDED);
      await("the superseded unit's agent is killed")
          .atMost(PATIENCE)
          .untilAsserted(
              () -> assertThat(SleepingAgent.alive(pids)).as("agents still alive").isEmpty());
      RedissonClient redis = redis(stack);
      try {
        await("the superseded unit's lease is released")
            .atMost(PATIENCE)
            .until(
                () ->
                    !redis
                        .getLock(fleet.keys().unitLock(new UnitKey(job, UnitId.parse("u2"))))
                        .isLocked());
      } finally {
        redis.shutdown();
      }
      assertThat(repo.mainLog("%s"))
          .as("main's commits")
          .contains("Land " + job + "/u1 attempt 1")
          .noneMatch(subject -> subject.startsWith("Land " + job + "/u2"));
    }
  }

  private static RedissonClient redis(DevStack stack) {
    Config config = new Config();
    config.useSingleServer().setAddress(stack.redisUri());
    return Redisson.create(config);
  }

  /** Explicit units u1 and u2 that both name the example's failing test 1 as their target. */
  private static String twoUnitsForOneTest(JobId job, ExampleRepo repo, String agent)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode spec = (ObjectNode) json.readTree(Jobs.explicitUnits(job.value(), repo, agent, 2));
    ArrayNode units = (ArrayNode) spec.get("plan").get("units");
    ((ObjectNode) units.get(1)).putArray("targetTests").add(ExampleRepo.testId(1));
    return json.writeValueAsString(spec);
  }
}
