package dev.fleetq.model.suite;

import static dev.fleetq.model.ModelFixtures.JOB;
import static dev.fleetq.model.ModelFixtures.aCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuiteRecordsTest {
  private static final RepoId REPO = RepoId.parse("calc-1a2b3c4d");

  private static SuiteRequest aRequest(String runId) {
    return new SuiteRequest(
        runId,
        1,
        JOB,
        REPO,
        "https://git.example.com/acme/calc",
        "refs/fleetq/gate/" + runId,
        aCommit('a'),
        "./run-tests.sh",
        List.of("reports/*.xml"),
        Duration.ofMinutes(5),
        null);
  }

  @Test
  void aRequestAndAReportedResultSurviveTheWire() {
    SuiteRequest request = aRequest("calc-batch-1f2e3d4c");
    SuiteResult result =
        new SuiteResult(
            request.runId(),
            2,
            WorkerId.parse("agent-1"),
            SuiteResult.Outcome.REPORTED,
            List.of(
                new TestResult("calc#adds", TestResult.Status.PASSED, null, Duration.ofMillis(3)),
                new TestResult("calc#divides", TestResult.Status.FAILED, "boom", Duration.ZERO)),
            List.of("reports/TEST-calc.xml"),
            null,
            "2 tests, 1 failure",
            Duration.ofSeconds(4));

    assertThat(Json.decode(Json.encode(request), SuiteRequest.class))
        .as("request")
        .isEqualTo(request);
    SuiteResult read = Json.decode(Json.encode(result), SuiteResult.class);
    assertThat(read).as("result").isEqualTo(result);
    assertThat(read.report().passing()).as("passing").containsExactly("calc#adds");
    assertThat(read.report().files()).as("files").containsExactly(Path.of("reports/TEST-calc.xml"));
  }

  @Test
  void aRedispatchIsTheSameRunWithTheNextAttempt() {
    SuiteRequest again = aRequest("r1").redispatched();

    assertThat(again.attempt()).as("attempt").isEqualTo(2);
    assertThat(again.runId()).as("run id").isEqualTo("r1");
  }

  @Test
  void aRunIdThatIsNotARefNameIsRefused() {
    InvalidMessageException e =
        catchThrowableOfType(InvalidMessageException.class, () -> aRequest("a/../b"));

    assertThat(e.getMessage()).as("message").startsWith("runId: must be letters, digits");
  }

  @Test
  void aResultWithoutAReportMustSayWhy() {
    InvalidMessageException e =
        catchThrowableOfType(
            InvalidMessageException.class,
            () ->
                new SuiteResult(
                    "r1",
                    1,
                    WorkerId.parse("agent-1"),
                    SuiteResult.Outcome.NO_REPORT,
                    List.of(),
                    List.of(),
                    null,
                    "",
                    Duration.ZERO));

    assertThat(e.getMessage()).as("message").startsWith("problem:");
  }
}
