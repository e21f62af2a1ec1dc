package dev.fleetq.coordinator.gate;

import static dev.fleetq.coordinator.gate.GateHarness.breaking;
import static dev.fleetq.coordinator.gate.GateHarness.fix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.gate.GateHarness.Candidate;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository with two owning gates at once: one in another consumer group, which reads every
 * request too (a split-brain of ownership), and a third gate that joins the first one's group while
 * requests are being gated (a rebalance). Both groups' gates test the same first candidates at the
 * same time and race to land them; the compare-and-swap push and the landing marks must still land
 * each unit once, report it landed once, lose no landed commit and never let a regression onto
 * main.
 */
@WithDevStack
class TwoGateOwnersTest {
  private static final int FIXES = 3;
  private static final int EXTRAS = 2;

  @TempDir Path dir;
  private GateHarness harness;

  @BeforeEach
  void startGates(DevStack stack, TestNamespace namespace) {
    harness = new GateHarness(stack, namespace, dir);
    harness.startAnotherGate("split-brain", harness.config("fleetq-gate-other"));
    harness.savePlannersBaseline();
  }

  @AfterEach
  void stopGates() {
    harness.close();
  }

  @Test
  void gatesOfTwoGroupsLandEveryUnitOnceAndNeverBreakMain() throws IOException {
    List<Candidate> good = new ArrayList<>();
    for (int n = 1; n <= FIXES; n++) {
      good.add(harness.candidate("fix" + n, Map.ofEntries(fix(n)), List.of()));
    }
    for (int n = 1; n <= EXTRAS; n++) {
      good.add(
          harness.candidate(
              "extra" + n, Map.of("src/extra" + n + ".txt", "extra " + n), List.of()));
    }
    Candidate breaker = harness.candidate("breaker", Map.ofEntries(breaking(5)), List.of());
    List<Candidate> all = new ArrayList<>(good);
    all.add(breaker);

    // The suite waits for the release file, so that both gates are testing the first candidates
    // at once and race to land them when it appears.
    Path release = dir.resolve("release");
    String testCommand =
        ("i=0; while [ ! -e %s ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done;"
                + " ./run-tests.sh")
            .formatted(release);
    List<Candidate> firstWave = all.subList(0, 3);
    for (Candidate candidate : firstWave) {
      harness.submit(harness.request(candidate, 1, testCommand));
    }
    Harness.eventually()
        .atMost(GateHarness.VERDICT_WAIT)
        .until(() -> firstWave.stream().allMatch(c -> gatingEvents(c.key()) >= 2));
    harness.startAnotherGate("same-group", harness.config(GateConfig.DEFAULT_GROUP_ID));
    for (Candidate candidate : all.subList(3, all.size())) {
      harness.submit(harness.request(candidate, 1, testCommand));
    }
    Files.writeString(release, "go\n");
    // Each group decides each request at least once; only then is "exactly once" meaningful.
    Harness.eventually()
        .atMost(GateHarness.VERDICT_WAIT.multipliedBy(2))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> all.stream().allMatch(c -> verdictsOn(c.key()) >= 2));

    List<String> firstParents =
        GateHarness.WORKER_GIT
            .run(harness.repo.origin(), "log", "--first-parent", "--format=%H", "main")
            .lines()
            .toList();
    List<String> subjects = harness.repo.mainLog("%s");
    for (Candidate candidate : good) {
      List<UnitEvent> landed = landedEvents(candidate.key());
      assertThat(landed).as("LANDED events of %s", candidate.key()).hasSize(1);
      assertThat(harness.events(candidate.key()))
          .as("events of %s: no refusal that could overtake its landing", candidate.key())
          .extracting(UnitEvent::status)
          .containsOnly(UnitStatus.GATING, UnitStatus.LANDED);
      assertThat(subjects)
          .as("merges of %s on main", candidate.key())
          .filteredOn(("Land " + candidate.key() + " attempt 1")::equals)
          .hasSize(1);
      String commit = landed.get(0).detail().lines().findFirst().orElseThrow();
      assertThat(isAncestorOfMain(commit))
          .as("%s's landed commit %s is in main's history", candidate.key(), commit)
          .isTrue();
      assertThat(harness.landed(candidate.key()))
          .as("landing mark of %s", candidate.key())
          .contains(commit);
    }
    assertThat(landedEvents(breaker.key())).as("LANDED events of the breaker").isEmpty();
    assertThat(harness.events(breaker.key()))
        .as("the breaker's refusals")
        .filteredOn(e -> e.status() == UnitStatus.RETRYING)
        .extracting(UnitEvent::reason)
        .containsOnly(Reason.REGRESSION);
    for (String commit : firstParents) {
      for (int passing = 4; passing <= 6; passing++) {
        assertThat(show(commit, String.format("src/f%02d.txt", passing)))
            .as("test %d on main at %s", passing, commit)
            .isEqualTo(ExampleRepo.fixedContent(passing));
      }
    }
    assertThat(harness.recentVerdicts())
        .as("duplicates decided by the gate that did not land them")
        .anyMatch(
            v -> v.outcome() == GateVerdict.Outcome.REFUSED && v.reason() == Reason.STALE_ATTEMPT);
  }

  private long verdictsOn(UnitKey unit) {
    return harness.recentVerdicts().stream().filter(v -> v.key().equals(unit)).count();
  }

  private long gatingEvents(UnitKey unit) {
    return harness.events(unit).stream().filter(e -> e.status() == UnitStatus.GATING).count();
  }

  private List<UnitEvent> landedEvents(UnitKey unit) {
    return harness.events(unit).stream().filter(e -> e.status() == UnitStatus.LANDED).toList();
  }

  private boolean isAncestorOfMain(String commit) {
    return GateHarness.WORKER_GIT
        .tryRun(harness.repo.origin(), "merge-base", "--is-ancestor", commit, "main")
        .succeeded();
  }

  private String show(String commit, String path) {
    return GateHarness.WORKER_GIT.run(harness.repo.origin(), "show", commit + ":" + path);
  }
}
