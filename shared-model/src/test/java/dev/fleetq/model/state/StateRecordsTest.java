package dev.fleetq.model.state;

import static dev.fleetq.model.ModelFixtures.JOB;
import static dev.fleetq.model.ModelFixtures.T0;
import static dev.fleetq.model.ModelFixtures.UNIT;
import static dev.fleetq.model.ModelFixtures.WORKER;
import static dev.fleetq.model.ModelFixtures.aCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateRecordsTest {
  private static final UnitKey KEY = new UnitKey(JOB, UNIT);

  @Test
  void everyStateRecordSurvivesTheCodec() {
    List<Object> records =
        List.of(
            new UnitState(
                JOB,
                UNIT,
                "fix t01",
                UnitStatus.RETRYING,
                2,
                WORKER,
                List.of(new AttemptFailure(1, Reason.REGRESSION, "broke example.tests#t03")),
                null,
                T0),
            new JobState(
                JOB,
                JobStatus.RUNNING,
                3,
                Map.of(UnitStatus.LANDED, 2),
                3,
                2,
                null,
                T0,
                T0.plusSeconds(9)),
            new GateBaseline(RepoId.parse("calc-1f0c2a9e"), aCommit('a'), Set.of("a#b", "c#d"), T0),
            new WorkerHeartbeat(WORKER, 2, List.of(KEY), "0.1.0", T0),
            new WorkerHeartbeat(WORKER, 0, List.of(), "0.1.0", T0),
            new QueuedRequest(JOB, UNIT, 2, WORKER, aCommit('c'), T0));

    for (Object record : records) {
      assertThat(Json.decode(Json.encode(record), record.getClass()))
          .as("round trip of %s", record.getClass().getSimpleName())
          .isEqualTo(record);
    }
  }

  @Test
  void aHeartbeatWithNegativeSlotsIsRefusedNamingTheField() {
    assertThatThrownBy(() -> new WorkerHeartbeat(WORKER, -1, List.of(), "0.1.0", T0))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("slots");
  }

  @Test
  void jobStateCountsMissingStatesAsZero() {
    JobState job =
        new JobState(JOB, JobStatus.RUNNING, 3, Map.of(UnitStatus.LANDED, 2), 0, 0, null, T0, T0);

    assertThat(job.count(UnitStatus.LANDED)).as("landed").isEqualTo(2);
    assertThat(job.count(UnitStatus.FAILED)).as("failed").isZero();
  }

  @Test
  void aJobStateStoredBeforeTheGoalCheckCountsNoTargets() {
    String stored =
        """
        {"jobId": "%s", "status": "RUNNING", "unitCount": 3, "counts": {"LANDED": 2},
         "submittedAt": "%s", "updatedAt": "%s"}
        """
            .formatted(JOB, T0, T0);

    JobState job = Json.decode(stored, JobState.class);

    assertThat(job.targetTests()).as("target tests").isZero();
    assertThat(job.fixedTests()).as("fixed tests").isZero();
    assertThat(job.count(UnitStatus.LANDED)).as("landed").isEqualTo(2);
  }

  @Test
  void baselineNeedsAFullCommitId() {
    assertThatThrownBy(() -> new GateBaseline(RepoId.parse("calc-1f0c2a9e"), "main", Set.of(), T0))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageStartingWith("commit:");
  }

  @Test
  void keysAreNamespacedByThePrefix() {
    RedisKeys keys = new RedisKeys("t1:fleetq:");

    assertThat(keys.unitLock(KEY)).as("lock key").isEqualTo("t1:fleetq:lock:unit:" + KEY);
    assertThat(keys.job(JOB)).as("job key").isEqualTo("t1:fleetq:job:" + JOB);
    assertThat(keys.gateQueue(RepoId.parse("calc-1f0c2a9e")))
        .as("gate queue key")
        .isEqualTo("t1:fleetq:gate-queue:calc-1f0c2a9e");
    assertThat(keys.gateVerdicts(RepoId.parse("calc-1f0c2a9e")))
        .as("gate verdicts key")
        .isEqualTo("t1:fleetq:gate-verdicts:calc-1f0c2a9e");
    assertThat(RedisKeys.DEFAULT.leader("reaper"))
        .as("leader key")
        .isEqualTo("fleetq:leader:reaper");
  }
}
