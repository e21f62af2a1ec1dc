package dev.fleetq.model.gate;

import static dev.fleetq.model.ModelFixtures.JOB;
import static dev.fleetq.model.ModelFixtures.T0;
import static dev.fleetq.model.ModelFixtures.UNIT;
import static dev.fleetq.model.ModelFixtures.aCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.wire.InvalidMessageException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateRecordsTest {

  private static final RepoId REPO = RepoId.parse("calc-1a2b3c4d");

  @Test
  void gateRequestIsKeyedByTheRepositoryIdOfItsUrl() {
    GateRequest request = ModelFixtures.aGateRequest();

    assertThat(request.repoId())
        .as("repo id")
        .isEqualTo(RepoId.fromUrl("https://git.example.com/acme/calc"));
    assertThat(request.key().value()).as("unit key").isEqualTo("job-test0000001/u1");
  }

  @Test
  void gateRequestWithAShortCommitIsRefused() {
    GateRequest valid = ModelFixtures.aGateRequest();

    InvalidMessageException e =
        catchThrowableOfType(
            InvalidMessageException.class,
            () ->
                new GateRequest(
                    JOB,
                    UNIT,
                    1,
                    valid.worker(),
                    valid.repo(),
                    valid.candidateBranch(),
                    "abc123",
                    valid.baseCommit(),
                    valid.scope(),
                    valid.targetTests(),
                    valid.gate(),
                    T0));

    assertThat(e.getMessage())
        .as("message")
        .isEqualTo(
            "candidateCommit: must be a commit id of 40 lowercase hex characters, got 'abc123'");
  }

  @Test
  void refusedVerdictNeedsAReasonAndNoCommit() {
    InvalidMessageException noReason =
        catchThrowableOfType(InvalidMessageException.class, () -> refused(null, null));
    InvalidMessageException withCommit =
        catchThrowableOfType(
            InvalidMessageException.class, () -> refused(Reason.REGRESSION, aCommit('a')));

    assertThat(noReason.getMessage()).as("without reason").isEqualTo("reason: is required");
    assertThat(withCommit.path()).as("with commit").isEqualTo("landedCommit");
  }

  @Test
  void landedVerdictNeedsACommitAndNoReason() {
    InvalidMessageException withReason =
        catchThrowableOfType(
            InvalidMessageException.class,
            () ->
                new GateVerdict(
                    JOB,
                    UNIT,
                    1,
                    REPO,
                    GateVerdict.Outcome.LANDED,
                    Reason.CONFLICT,
                    null,
                    null,
                    null,
                    aCommit('a'),
                    1,
                    Duration.ZERO,
                    T0));

    assertThat(withReason.path()).as("with reason").isEqualTo("reason");
  }

  @Test
  void supersededVerdictNamesTheMainCommitThatDoesItsWork() {
    InvalidMessageException noCommit =
        catchThrowableOfType(InvalidMessageException.class, () -> superseded(null));

    assertThat(superseded(aCommit('a')).landedCommit()).as("commit").isEqualTo(aCommit('a'));
    assertThat(noCommit.path()).as("without a commit").isEqualTo("landedCommit");
  }

  private static GateVerdict superseded(String commit) {
    return new GateVerdict(
        JOB,
        UNIT,
        1,
        REPO,
        GateVerdict.Outcome.SUPERSEDED,
        null,
        List.of(),
        List.of("com.acme.CalcTest#adds"),
        List.of(),
        commit,
        0,
        Duration.ZERO,
        T0);
  }

  private static GateVerdict refused(Reason reason, String commit) {
    return new GateVerdict(
        JOB,
        UNIT,
        1,
        REPO,
        GateVerdict.Outcome.REFUSED,
        reason,
        List.of(),
        List.of(),
        List.of(),
        commit,
        1,
        Duration.ofSeconds(1),
        T0);
  }
}
