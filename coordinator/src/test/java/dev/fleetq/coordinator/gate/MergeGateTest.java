package dev.fleetq.coordinator.gate;

import static dev.fleetq.coordinator.gate.GateHarness.breaking;
import static dev.fleetq.coordinator.gate.GateHarness.fix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.gate.GateHarness.Candidate;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.coordinator.testing.TopicTail;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.HostileRecords;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.DeadLetterHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gate, run by a coordinator as its extension, against a real origin with failing shell tests,
 * real Kafka and real Redis. The example repository has tests 1 to 3 failing and 4 to 6 passing on
 * the initial main.
 */
@WithDevStack
class MergeGateTest {
  @TempDir Path dir;
  private GateHarness harness;

  @BeforeEach
  void startGate(DevStack stack, TestNamespace namespace) {
    harness = new GateHarness(stack, namespace, dir);
  }

  @AfterEach
  void stopGate() {
    harness.close();
  }

  @Test
  void candidateThatFixesATestLandsOnMainAsOneMergeCommit() {
    harness.savePlannersBaseline();
    String oldMain = harness.repo.mainHead();
    Candidate candidate = harness.candidate("u1", Map.ofEntries(fix(1)), List.of());

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    String newMain = harness.repo.mainHead();
    assertThat(verdict.status()).as("verdict (%s)", verdict.detail()).isEqualTo(UnitStatus.LANDED);
    assertThat(verdict.detail().lines().findFirst()).as("landed commit").contains(newMain);
    assertThat(verdict.detail()).as("fixed tests").contains("fixed: " + ExampleRepo.testId(1));
    assertThat(newMain).as("main moved").isNotEqualTo(oldMain);
    assertThat(harness.onMain("src/f01.txt")).as("fixed file on main").isEqualTo("fixed-01");
    assertThat(harness.repo.mainLog("%s|%P").get(0))
        .as("main's merge commit and its parents")
        .isEqualTo("Land " + candidate.key() + " attempt 1|" + oldMain + " " + candidate.commit());
    assertThat(harness.baseline().orElseThrow().passing())
        .as("baseline's passing tests")
        .containsExactlyInAnyOrder(
            ExampleRepo.testId(1),
            ExampleRepo.testId(4),
            ExampleRepo.testId(5),
            ExampleRepo.testId(6));
    assertThat(harness.baseline().orElseThrow().commit()).as("baseline commit").isEqualTo(newMain);
    assertThat(harness.landed(candidate.key())).as("landed mark").contains(newMain);
    assertThat(harness.events(candidate.key()).get(0).status())
        .as("first event")
        .isEqualTo(UnitStatus.GATING);
  }

  @ParameterizedTest(name = "the dead gate's push {0} main")
  @ValueSource(booleans = {true, false})
  void aLandingWhoseGateDiedIsSettledFromGitWithinALease(boolean reached) {
    harness.savePlannersBaseline();
    Candidate candidate = harness.candidate("u1", Map.ofEntries(fix(1)), List.of());
    if (reached) {
      harness.moveMain(candidate.commit());
    }
    harness.markLandedByADeadGate(candidate.key(), candidate.commit());
    long started = System.nanoTime();

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    System.out.printf(
        "landing of a dead gate (push %s main) settled in %.1f s%n",
        reached ? "reached" : "did not reach", (System.nanoTime() - started) / 1e9);
    assertThat(verdict.status()).as("verdict (%s)", verdict.detail()).isEqualTo(UnitStatus.LANDED);
    assertThat(harness.onMain("src/f01.txt")).as("fixed file on main").isEqualTo("fixed-01");
    assertThat(harness.landed(candidate.key())).as("landed mark").contains(harness.repo.mainHead());
    assertThat(
            harness.events(candidate.key()).stream()
                .filter(e -> e.status() == UnitStatus.LANDED)
                .count())
        .as("LANDED events")
        .isEqualTo(1);
  }

  @Test
  void candidateThatBreaksAPassingTestIsRefusedWithTheBrokenTestNamed() {
    harness.savePlannersBaseline();
    String oldMain = harness.repo.mainHead();
    Candidate candidate = harness.candidate("u2", Map.ofEntries(fix(2), breaking(5)), List.of());

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.status()).as("verdict").isEqualTo(UnitStatus.RETRYING);
    assertThat(verdict.reason()).as("reason").isEqualTo(Reason.REGRESSION);
    assertThat(verdict.detail())
        .as("refusal")
        .contains(ExampleRepo.testId(5) + ": expected fixed-05 in src/f05.txt, got broken-by-agent")
        .doesNotContain(ExampleRepo.testId(2) + ":");
    assertThat(harness.repo.mainHead()).as("main").isEqualTo(oldMain);
    assertThat(harness.landed(candidate.key())).as("landed mark").isEmpty();
  }

  @Test
  void aCandidateIsTestedInItsAgentsImageAndAnExecutorWithoutAnEngineSaysSo() {
    harness.savePlannersBaseline();
    String oldMain = harness.repo.mainHead();
    Candidate candidate = harness.candidate("u2", Map.ofEntries(fix(2)), List.of());
    harness.submit(harness.requestIn(candidate, "fleetq-test/agent:1"));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.status()).as("verdict").isEqualTo(UnitStatus.RETRYING);
    assertThat(verdict.detail())
        .as("refusal")
        .contains(
            "the suite runs in the image fleetq-test/agent:1, but this worker has no Docker engine");
    assertThat(harness.repo.mainHead()).as("main").isEqualTo(oldMain);
  }

  @Test
  void theBatchSizeHalvesAfterARefusalAndGrowsByOneAfterABatchThatLandsWhole() {
    harness.savePlannersBaseline();
    Candidate breaking =
        harness.candidate("u-breaks", Map.ofEntries(fix(2), breaking(5)), List.of());
    Candidate fixing = harness.candidate("u-fixes", Map.ofEntries(fix(1)), List.of());

    harness.submit(harness.request(breaking, 1));
    assertThat(harness.awaitVerdict(breaking.key()).reason()).isEqualTo(Reason.REGRESSION);
    awaitBatchSize("after the refusal", GateConfig.DEFAULT_MAX_BATCH / 2);
    harness.submit(harness.request(fixing, 1));
    assertThat(harness.awaitVerdict(fixing.key()).status()).isEqualTo(UnitStatus.LANDED);
    awaitBatchSize("after the landing", GateConfig.DEFAULT_MAX_BATCH / 2 + 1);
  }

  private void awaitBatchSize(String when, int size) {
    Harness.eventually()
        .untilAsserted(
            () -> assertThat(harness.view().batchSize()).as("batch size " + when).hasValue(size));
  }

  @Test
  void theBranchesOfALandedAndARefusedCandidateAreDeletedFromTheOriginOnceDecided() {
    harness.savePlannersBaseline();
    Candidate fixing = harness.candidate("u-kept", Map.ofEntries(fix(1)), List.of());
    Candidate breaking = harness.candidate("u-gone", Map.ofEntries(fix(2), breaking(5)), List.of());
    assertThat(harness.originCandidateBranches())
        .as("branches before the verdicts")
        .containsExactlyInAnyOrder(fixing.branch(), breaking.branch());

    harness.submit(harness.request(fixing, 1));
    harness.submit(harness.request(breaking, 1));

    assertThat(harness.awaitVerdict(fixing.key()).status()).isEqualTo(UnitStatus.LANDED);
    assertThat(harness.awaitVerdict(breaking.key()).reason()).isEqualTo(Reason.REGRESSION);
    Harness.eventually()
        .untilAsserted(
            () ->
                assertThat(harness.originCandidateBranches())
                    .as("candidate branches left in the origin")
                    .isEmpty());
    assertThat(harness.onMain("src/f01.txt")).as("the landed fix, on main").isEqualTo("fixed-01");
  }

  @Test
  void staleAttemptsAreRefusedAndADuplicateOfALandedUnitChangesNothing() {
    harness.savePlannersBaseline();
    String oldMain = harness.repo.mainHead();
    Candidate stale = harness.candidate("u3", Map.ofEntries(fix(3)), List.of());
    harness.setAttempt(stale.key(), 2);

    harness.send(harness.request(stale, 1));
    UnitEvent staleVerdict = harness.awaitVerdict(stale.key());

    assertThat(staleVerdict.reason())
        .as("stale verdict (%s)", staleVerdict.detail())
        .isEqualTo(Reason.STALE_ATTEMPT);
    assertThat(staleVerdict.attempt()).as("stale verdict's attempt").isEqualTo(1);
    assertThat(harness.events(stale.key()))
        .as("events of the stale attempt")
        .extracting(UnitEvent::status)
        .containsExactly(UnitStatus.RETRYING);
    assertThat(harness.repo.mainHead()).as("main after the stale attempt").isEqualTo(oldMain);

    Candidate fresh = harness.candidate("u4", Map.ofEntries(fix(1)), List.of());
    harness.submit(harness.request(fresh, 1));
    assertThat(harness.awaitVerdict(fresh.key()).status())
        .as("first verdict")
        .isEqualTo(UnitStatus.LANDED);
    String landedMain = harness.repo.mainHead();
    harness.send(harness.request(fresh, 1));
    Harness.eventually()
        .atMost(GateHarness.VERDICT_WAIT)
        .until(
            () ->
                harness.recentVerdicts().stream()
                        .filter(verdict -> verdict.key().equals(fresh.key()))
                        .count()
                    == 2);
    GateVerdict again = harness.recentVerdicts().get(0);

    assertThat(again.key()).as("newest verdict's unit").isEqualTo(fresh.key());
    assertThat(again.outcome()).as("duplicate's outcome").isEqualTo(GateVerdict.Outcome.REFUSED);
    assertThat(again.reason()).as("duplicate's reason").isEqualTo(Reason.STALE_ATTEMPT);
    assertThat(harness.events(fresh.key()))
        .as("events of the landed unit: the duplicate adds none, so none can overtake LANDED")
        .extracting(UnitEvent::status)
        .containsExactly(UnitStatus.GATING, UnitStatus.LANDED);
    assertThat(harness.repo.mainHead()).as("main after the duplicate").isEqualTo(landedMain);
  }

  @Test
  void twoCandidatesFromTheSameOldMainBothLandAndKeepEveryPassingTest() {
    harness.savePlannersBaseline();
    Candidate first = harness.candidate("u6", Map.ofEntries(fix(1)), List.of());
    Candidate second = harness.candidate("u7", Map.ofEntries(fix(2)), List.of());
    assertThat(second.base()).as("both candidates' base").isEqualTo(first.base());

    GateRequest untargeted = harness.request(first, 1);
    harness.submit(
        harness.request(first, 1, List.of(), List.of(ExampleRepo.testId(1)), untargeted.gate()));
    harness.submit(harness.request(second, 1));

    assertThat(harness.awaitVerdict(first.key()).status())
        .as("first verdict")
        .isEqualTo(UnitStatus.LANDED);
    UnitEvent secondVerdict = harness.awaitVerdict(second.key());
    assertThat(secondVerdict.status())
        .as("second verdict (%s)", secondVerdict.detail())
        .isEqualTo(UnitStatus.LANDED);
    assertThat(harness.repo.mainLog("%s").subList(0, 2))
        .as("main's two newest commits")
        .containsExactly(
            "Land " + second.key() + " attempt 1", "Land " + first.key() + " attempt 1");
    assertThat(List.of(harness.onMain("src/f01.txt"), harness.onMain("src/f02.txt")))
        .as("both fixes on main")
        .containsExactly("fixed-01", "fixed-02");
    GateBaseline baseline = harness.baseline().orElseThrow();
    assertThat(baseline.commit()).as("baseline commit").isEqualTo(harness.repo.mainHead());
    assertThat(baseline.passing())
        .as("passing on main")
        .containsExactlyInAnyOrder(
            ExampleRepo.testId(1),
            ExampleRepo.testId(2),
            ExampleRepo.testId(4),
            ExampleRepo.testId(5),
            ExampleRepo.testId(6));
    assertThat(harness.recentVerdicts())
        .as(
            "what each verdict says its unit fixed: the first its target, the second (no target)"
                + " the rest, whether or not they shared a batch")
        .filteredOn(verdict -> verdict.outcome() == GateVerdict.Outcome.LANDED)
        .extracting(verdict -> verdict.key() + " " + verdict.fixedTests())
        .containsExactlyInAnyOrder(
            first.key() + " [" + ExampleRepo.testId(1) + "]",
            second.key() + " [" + ExampleRepo.testId(2) + "]");
  }

  @Test
  void aCandidateWhoseWorkMainAlreadyDoesIsSupersededAndNeverLandsAsAnEmptyMerge() {
    harness.savePlannersBaseline();
    Candidate first = harness.candidate("u6", Map.ofEntries(fix(1)), List.of());
    Candidate twin = harness.candidate("u7", Map.ofEntries(fix(1)), List.of());
    Candidate idle = harness.candidate("u8", Map.ofEntries(fix(1)), List.of());
    GateSpec gate = harness.request(first, 1).gate();
    List<String> fixesOne = List.of(ExampleRepo.testId(1));

    harness.submit(harness.request(first, 1, List.of(), fixesOne, gate));
    harness.submit(harness.request(twin, 1, List.of(), fixesOne, gate));

    assertThat(harness.awaitVerdict(first.key()).status())
        .as("the first fix")
        .isEqualTo(UnitStatus.LANDED);
    UnitEvent superseded = harness.awaitVerdict(twin.key());
    assertThat(superseded.status())
        .as("the same fix again (%s)", superseded.detail())
        .isEqualTo(UnitStatus.SUPERSEDED);
    String landed = harness.repo.mainHead();
    assertThat(superseded.detail())
        .as("what did its work")
        .startsWith(landed + "\nsuperseded: main ")
        .contains(ExampleRepo.testId(1));
    GateVerdict verdict =
        harness.recentVerdicts().stream()
            .filter(v -> v.key().equals(twin.key()))
            .findFirst()
            .orElseThrow();
    assertThat(verdict.outcome()).as("outcome").isEqualTo(GateVerdict.Outcome.SUPERSEDED);
    assertThat(verdict.landedCommit()).as("the main commit that does its work").isEqualTo(landed);

    harness.submit(harness.request(idle, 1, List.of(), List.of(ExampleRepo.testId(2)), gate));
    UnitEvent idleVerdict = harness.awaitVerdict(idle.key());

    assertThat(idleVerdict.status())
        .as("a change main has, for a test it does not fix")
        .isEqualTo(UnitStatus.RETRYING);
    assertThat(idleVerdict.reason()).as("reason").isEqualTo(Reason.NO_CHANGES);
    assertThat(idleVerdict.tests())
        .as("its target, still failing")
        .containsExactly(ExampleRepo.testId(2));
    assertThat(harness.repo.mainHead()).as("main after the idle candidate").isEqualTo(landed);
    assertThat(harness.repo.mainLog("%s"))
        .as("main's commits")
        .contains("Land " + first.key() + " attempt 1")
        .noneMatch(subject -> subject.startsWith("Land " + twin.key()))
        .noneMatch(subject -> subject.startsWith("Land " + idle.key()));
  }

  /** A unit ended outside the gate (cancelled, or superseded by another's landing) never lands. */
  @ParameterizedTest
  @EnumSource(
      value = UnitStatus.class,
      names = {"CANCELLED", "SUPERSEDED"})
  void theCandidateOfAUnitEndedWhileItWasOnTheWayIsNotLandedAndNoEventSaysSo(UnitStatus end) {
    harness.savePlannersBaseline();
    String oldMain = harness.repo.mainHead();
    Candidate candidate = harness.candidate("u9", Map.ofEntries(fix(1)), List.of());
    harness.setProjectedStatus(candidate.key(), end);

    harness.submit(harness.request(candidate, 1));

    GateVerdict verdict = harness.awaitRecordedVerdict(candidate.key());
    assertThat(verdict.outcome()).as("outcome").isEqualTo(GateVerdict.Outcome.REFUSED);
    assertThat(verdict.reason()).as("reason").isEqualTo(Reason.STALE_ATTEMPT);
    assertThat(harness.repo.mainHead()).as("main").isEqualTo(oldMain);
    assertThat(harness.events(candidate.key()))
        .as("events: the unit's end is already reported")
        .isEmpty();
  }

  @Test
  void candidateThatConflictsWithTheNewMainIsRefused() {
    harness.savePlannersBaseline();
    Candidate first = harness.candidate("u8", Map.ofEntries(fix(1)), List.of());
    Candidate second = harness.candidate("u9", Map.of("src/f01.txt", "another-fix"), List.of());

    harness.submit(harness.request(first, 1));
    assertThat(harness.awaitVerdict(first.key()).status())
        .as("first verdict")
        .isEqualTo(UnitStatus.LANDED);
    String main = harness.repo.mainHead();
    harness.submit(harness.request(second, 1));
    UnitEvent verdict = harness.awaitVerdict(second.key());

    assertThat(verdict.reason()).as("reason").isEqualTo(Reason.CONFLICT);
    assertThat(verdict.detail()).as("refusal").contains("src/f01.txt");
    assertThat(harness.repo.mainHead()).as("main").isEqualTo(main);
  }

  @Test
  void missingBaselineIsMeasuredOnMainBeforeGating() {
    Candidate candidate = harness.candidate("u10", Map.ofEntries(fix(1), breaking(6)), List.of());

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.reason()).as("reason (%s)", verdict.detail()).isEqualTo(Reason.REGRESSION);
    assertThat(verdict.detail())
        .as("refusal")
        .contains(ExampleRepo.testId(6) + ": expected fixed-06");
    GateBaseline measured = harness.baseline().orElseThrow();
    assertThat(measured.commit()).as("measured commit").isEqualTo(harness.repo.mainHead());
    assertThat(measured.passing())
        .as("measured passing tests")
        .containsExactlyInAnyOrder(
            ExampleRepo.testId(4), ExampleRepo.testId(5), ExampleRepo.testId(6));
  }

  @Test
  void baselineOfAnOlderMainIsMeasuredAgain() {
    String oldMain = harness.repo.mainHead();
    Candidate outside = harness.candidate("outside", Map.ofEntries(fix(3)), List.of());
    GateHarness.WORKER_GIT.run(
        harness.repo.origin(), "update-ref", "refs/heads/main", outside.commit(), oldMain);
    harness.saveBaseline(
        new GateBaseline(
            harness.repoId(),
            oldMain,
            Set.of(ExampleRepo.testId(4), ExampleRepo.testId(5), ExampleRepo.testId(6)),
            Instant.now()));
    Candidate candidate = harness.candidate("u11", Map.ofEntries(fix(1), breaking(3)), List.of());

    harness.submit(harness.request(candidate, 1));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.reason()).as("reason (%s)", verdict.detail()).isEqualTo(Reason.REGRESSION);
    assertThat(verdict.detail())
        .as("refusal")
        .contains(ExampleRepo.testId(3) + ": expected fixed-03");
    assertThat(harness.baseline().orElseThrow().commit())
        .as("baseline commit")
        .isEqualTo(outside.commit());
  }

  @Test
  void mainThatMovesUnderThePushIsMergedAgainAndLanded() throws Exception {
    harness.savePlannersBaseline();
    Candidate candidate = harness.candidate("u12", Map.ofEntries(fix(1)), List.of());
    Path outside = dir.resolve("outside-clone");
    GateHarness.WORKER_GIT.run(dir, "clone", "--quiet", harness.repo.url(), outside.toString());
    Files.writeString(outside.resolve("src/f03.txt"), ExampleRepo.fixedContent(3) + "\n");
    GateHarness.WORKER_GIT.run(outside, "commit", "--quiet", "-am", "Fixed outside fleetq");
    String outsideCommit = GateHarness.WORKER_GIT.run(outside, "rev-parse", "HEAD");
    Path marker = dir.resolve("moved-main");
    // The first test run, on the candidate, moves main in the origin before the gate can push.
    String testCommand =
        "./run-tests.sh; s=$?; if [ ! -e %s ]; then touch %s; git -C %s push -q origin HEAD:main; fi; exit $s"
            .formatted(marker, marker, outside);

    harness.submit(harness.request(candidate, 1, testCommand));
    UnitEvent verdict = harness.awaitVerdict(candidate.key());

    assertThat(verdict.status()).as("verdict (%s)", verdict.detail()).isEqualTo(UnitStatus.LANDED);
    assertThat(harness.repo.mainLog("%s|%P").get(0))
        .as("main's merge commit and its parents")
        .isEqualTo(
            "Land " + candidate.key() + " attempt 1|" + outsideCommit + " " + candidate.commit());
    assertThat(List.of(harness.onMain("src/f01.txt"), harness.onMain("src/f03.txt")))
        .as("both changes on main")
        .containsExactly("fixed-01", "fixed-03");
    assertThat(harness.landed(candidate.key())).as("landed mark").contains(harness.repo.mainHead());
  }

  @Test
  void unreadableRequestIsDeadLetteredAndDoesNotBlockTheRepository() {
    harness.savePlannersBaseline();
    Candidate candidate = harness.candidate("u13", Map.ofEntries(fix(1)), List.of());

    harness.sendRaw("{\"jobId\": \"job-gate\", \"attempt\": \"one\"}");
    HostileRecords.values().forEach(harness::sendRaw);
    harness.submit(harness.request(candidate, 1));

    List<ConsumerRecord<byte[], byte[]>> letters =
        harness.awaitDeadLetters(1 + HostileRecords.values().size());
    assertThat(TopicTail.header(letters.get(0), DeadLetterHeaders.ERROR_PATH))
        .as("dead letter's error path")
        .isEqualTo("attempt");
    assertThat(letters)
        .as("dead letters of the unreadable and the hostile requests")
        .hasSize(1 + HostileRecords.values().size())
        .allSatisfy(
            letter ->
                assertThat(TopicTail.header(letter, DeadLetterHeaders.ERROR))
                    .as("error")
                    .startsWith(TopicTail.header(letter, DeadLetterHeaders.ERROR_PATH) + ": "));
    assertThat(harness.awaitVerdict(candidate.key()).status())
        .as("verdict of the next request")
        .isEqualTo(UnitStatus.LANDED);
  }
}
