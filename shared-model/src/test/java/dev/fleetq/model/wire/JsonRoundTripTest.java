package dev.fleetq.model.wire;

import static dev.fleetq.model.ModelFixtures.JOB;
import static dev.fleetq.model.ModelFixtures.T0;
import static dev.fleetq.model.ModelFixtures.UNIT;
import static dev.fleetq.model.ModelFixtures.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.job.ExplicitUnitsPlan;
import dev.fleetq.model.job.FailingTestsPlan;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.job.Plan;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRoundTripTest {

  static Stream<Object> everyRecord() {
    return Stream.of(
        ModelFixtures.aJobSpec(),
        ModelFixtures.aJobSpec().withId(JOB),
        ModelFixtures.aJobSpecWithUnits(3),
        ModelFixtures.aRepoSpec(),
        ModelFixtures.anAgentSpec(),
        ModelFixtures.aGateSpec(),
        ModelFixtures.aUnitSpec("u7"),
        ModelFixtures.aFailingTestsPlan(),
        ModelFixtures.anExplicitUnitsPlan(2),
        ModelFixtures.aWorkUnit(),
        ModelFixtures.aWorkUnit(JOB, UNIT, 2),
        new UnitEvent(JOB, UNIT, 2, UnitStatus.RETRYING, WORKER, Reason.CONFLICT, "main moved", T0),
        ModelFixtures.aUnitEvent(UnitStatus.PUBLISHED),
        ModelFixtures.aJobEvent(JobStatus.RUNNING),
        ModelFixtures.aGateRequest(),
        ModelFixtures.aLandedVerdict(),
        ModelFixtures.aRefusedVerdict(Reason.REGRESSION),
        JOB,
        UNIT,
        WORKER,
        RepoId.fromUrl("https://git.example.com/acme/calc.git"),
        new UnitKey(JOB, UNIT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecord")
  void everyRecordDecodesToAnEqualRecord(Object record) {
    byte[] json = Json.encode(record);

    assertThat(Json.decode(json, record.getClass()))
        .as("decoded " + new String(json, StandardCharsets.UTF_8))
        .isEqualTo(record);
  }

  @Test
  void bothPlanKindsDecodeThroughTheirInterface() {
    Plan failing = ModelFixtures.aFailingTestsPlan();
    Plan units = ModelFixtures.anExplicitUnitsPlan(2);

    assertThat(Json.decode(Json.encode(failing), Plan.class))
        .as("failing-tests")
        .isEqualTo(failing);
    assertThat(Json.decode(Json.encode(units), Plan.class)).as("units").isEqualTo(units);
    assertThat(Json.encodeToString(failing))
        .as("failing-tests JSON")
        .contains("\"kind\":\"failing-tests\"");
    assertThat(Json.encodeToString(units)).as("units JSON").contains("\"kind\":\"units\"");
  }

  @Test
  void bothEventTypesDecodeThroughTheirInterface() {
    Event unit = ModelFixtures.aUnitEvent(UnitStatus.CLAIMED);
    Event job = ModelFixtures.aJobEvent(JobStatus.SUCCEEDED);

    assertThat(Json.decode(Json.encode(unit), Event.class)).as("unit event").isEqualTo(unit);
    assertThat(Json.decode(Json.encode(job), Event.class)).as("job event").isEqualTo(job);
    assertThat(Json.encodeToString(unit)).as("unit event JSON").contains("\"type\":\"unit\"");
    assertThat(Json.encodeToString(job)).as("job event JSON").contains("\"type\":\"job\"");
  }

  @Test
  void aRefusalsEventCarriesTheTestsItNames() {
    UnitEvent refused =
        new UnitEvent(
            JOB,
            UNIT,
            1,
            UnitStatus.RETRYING,
            WORKER,
            Reason.REGRESSION,
            "broke two tests",
            T0,
            List.of("calc#testAbs", "calc#testMax"));

    assertThat(Json.decode(Json.encode(refused), UnitEvent.class))
        .as("round trip")
        .isEqualTo(refused);
    assertThat(Json.encodeToString(refused))
        .as("unit event JSON")
        .contains("\"tests\":[\"calc#testAbs\",\"calc#testMax\"]");
  }

  @Test
  void aGateRequestNamesItsAgentsImageOnlyWhenItHasOne() {
    GateRequest local = ModelFixtures.aGateRequest();
    GateRequest contained = ModelFixtures.aGateRequestIn("ghcr.io/acme/agent:1");

    assertThat(Json.decode(Json.encode(contained), GateRequest.class))
        .as("round trip")
        .isEqualTo(contained);
    assertThat(Json.encodeToString(contained))
        .as("with an image")
        .contains("\"image\":\"ghcr.io/acme/agent:1\"");
    assertThat(Json.encodeToString(local)).as("without one").doesNotContain("\"image\"");
  }

  @Test
  void idsTimesAndEnumsAreWrittenAsPlainStrings() {
    String json = Json.encodeToString(ModelFixtures.aUnitEvent(UnitStatus.RUNNING));

    assertThat(json)
        .as("unit event JSON")
        .isEqualTo(
            "{\"type\":\"unit\",\"jobId\":\"job-test0000001\",\"unitId\":\"u1\",\"attempt\":1,"
                + "\"status\":\"RUNNING\",\"worker\":\"worker-1\",\"at\":\"2026-01-31T12:00:00Z\"}");
    assertThat(Json.encodeToString(new UnitKey(JOB, UNIT)))
        .as("unit key JSON")
        .isEqualTo("\"job-test0000001/u1\"");
  }

  @Test
  void durationsAreWrittenAsIsoStringsAndNullFieldsAreLeftOut() {
    String json = Json.encodeToString(ModelFixtures.aJobSpec());

    assertThat(json).as("job JSON").contains("\"timeout\":\"PT5M\"").doesNotContain("null");
    assertThat(json).as("job JSON").doesNotContain("\"id\"").doesNotContain("\"image\"");
  }

  @Test
  void derivedValuesAreNotWrittenAsFields() {
    String unit = Json.encodeToString(ModelFixtures.aWorkUnit());
    String request = Json.encodeToString(ModelFixtures.aGateRequest());

    assertThat(unit).as("work unit JSON").doesNotContain("\"key\"");
    assertThat(request)
        .as("gate request JSON")
        .doesNotContain("\"repoId\"")
        .doesNotContain("\"key\"");
  }

  @Test
  void unknownFieldsAreIgnored() {
    String json =
        """
        {"type": "job", "jobId": "job-1", "status": "RUNNING", "unitCount": 2,
         "at": "2026-01-31T12:00:00Z", "shard": 7, "trace": {"id": "abc"}, "tags": [1, 2]}
        """;

    Event event = Json.decode(json, Event.class);

    assertThat(event)
        .as("decoded event")
        .isEqualTo(new JobEvent(JobId.parse("job-1"), JobStatus.RUNNING, 2, null, T0));
  }

  @Test
  void absentOptionalFieldsGetTheirDefaults() {
    JobSpec job =
        Json.decode(
            """
            {"repo": {"url": "https://github.com/acme/calc"},
             "plan": {"kind": "failing-tests", "testCommand": "make test"},
             "agent": {"command": "./agent.sh"}}
            """,
            JobSpec.class);

    assertThat(job.id()).as("id").isNull();
    assertThat(job.repo().branch()).as("branch").isEqualTo("main");
    assertThat(job.priority()).as("priority").isZero();
    assertThat(job.labels()).as("labels").isEmpty();
    assertThat(job.agent().maxAttempts()).as("attempts").isEqualTo(3);
    assertThat(job.agent().timeout()).as("agent timeout").hasMinutes(30);
    assertThat(job.agent().envAllowList()).as("environment").isEmpty();
    assertThat(((FailingTestsPlan) job.plan()).reportGlobs())
        .as("report globs")
        .containsExactly("**/TEST-*.xml", "**/junit*.xml");
    assertThat(job.gate()).as("gate").isEqualTo(((FailingTestsPlan) job.plan()).gate());
  }

  @Test
  void unitsOfAnExplicitPlanKeepTheirOrder() {
    ExplicitUnitsPlan plan = ModelFixtures.anExplicitUnitsPlan(5);

    ExplicitUnitsPlan decoded = Json.decode(Json.encode(plan), ExplicitUnitsPlan.class);

    assertThat(decoded.units())
        .as("unit ids")
        .extracting(u -> u.id().value())
        .containsExactly("u1", "u2", "u3", "u4", "u5");
  }
}
