package dev.fleetq.coordinator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.report.JUnitReports;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.unit.Reason;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random batches of candidates (fixing, breaking, conflicting, flaky, out-of-scope, non-fixing and
 * sabotaging another unit's fix), seeded, on real git, real Redis and the example repository's
 * shell tests: main never holds a regression, every landed unit's target tests pass at its landing
 * commit and at every later commit of main's first-parent history, every candidate that is not to
 * blame lands, every refusal names its reason, and no batch costs more suite runs than {@link
 * #runsAllowed}. {@code -Dfleetq.gate.batches=200} runs more batches than the default 24.
 */
@WithDevStack
class BatchGatePropertyTest {
  private static final long SEED = 20261127L;
  private static final int ITERATIONS = Integer.getInteger("fleetq.gate.batches", 24);
  private static final int RERUNS = 2;
  private static final int FAILING = 10;
  private static final int PASSING = 6;
  private static final Git GIT =
      new Git(new Git.Identity("fleetq worker", "w@fleetq.invalid"), Duration.ofSeconds(30));

  @TempDir Path dir;
  private Harness harness;
  private BatchGate gate;

  enum Kind {
    FIX,
    BREAK,
    CONFLICT,
    FLAKY,
    OUT_OF_SCOPE,
    NON_FIXING,
    SABOTEUR
  }

  @BeforeEach
  void setUp(DevStack stack, TestNamespace namespace) {
    harness = new Harness(stack, namespace, dir.resolve("coordinator")).provision();
    harness.startExecutor("executor");
    gate = batchGate(harness, dir.resolve("gate"), RERUNS);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  /** A batch gate on the harness's Redis, with re-runs of regressed suites. */
  static BatchGate batchGate(Harness harness, Path workDir, int flakeReruns) {
    GateLedger ledger = new GateLedger(harness.redis(), harness.keys(), Duration.ofMinutes(1));
    GateMetrics metrics = new GateMetrics(new PrometheusRegistry());
    Clock clock = Clock.systemUTC();
    Git git =
        new Git(new Git.Identity("fleetq gate", "gate@fleetq.invalid"), Duration.ofSeconds(30));
    SuiteRunner suites = new SuiteRunner(harness.suites(), metrics);
    Gatekeeper gatekeeper =
        new Gatekeeper(
            ledger,
            new Baselines(harness.redis(), harness.keys()),
            git,
            suites,
            new ChangeGuard(GateConfig.defaults()),
            workDir,
            Gatekeeper.Pause.until(new CountDownLatch(1)),
            clock);
    return new BatchGate(
        gatekeeper,
        ledger,
        suites,
        new FlakeFilter(suites, ledger, flakeReruns, metrics),
        r -> {},
        3,
        TreeRuns.Parallel.NONE,
        clock);
  }

  @Test
  void randomBatchesLandEveryNonCulpritAndNeverBreakMain() throws IOException {
    Random random = new Random(SEED);
    int sabotagesBeforeTheFix = 0;
    int sabotagesAfterTheFix = 0;
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      Path home = Files.createDirectories(dir.resolve("i" + iteration));
      ExampleRepo repo = ExampleRepo.create(home, FAILING, PASSING);
      addFlakyTest(repo, home);
      List<Kind> kinds = randomKinds(random, 2 + random.nextInt(7));
      List<Integer> fixTargets = new ArrayList<>();
      int undoneBeforeTheFix = 0;
      for (int k = 0; k < kinds.size(); k++) {
        if (kinds.get(k) == Kind.FIX) {
          fixTargets.add(k + 1);
        }
      }
      List<GateRequest> requests = new ArrayList<>();
      List<String> broken = new ArrayList<>();
      Map<Integer, String> undone = new HashMap<>();
      for (int k = 0; k < kinds.size(); k++) {
        String unit = "i" + iteration + "-u" + k;
        int own = k + 1;
        Map<String, String> writes =
            switch (kinds.get(k)) {
              case FIX -> Map.of(src(own), ExampleRepo.fixedContent(own));
              case BREAK -> {
                int victim = FAILING + 1 + random.nextInt(PASSING);
                broken.add(ExampleRepo.testId(victim));
                yield Map.of(src(own), ExampleRepo.fixedContent(own), src(victim), "broken");
              }
              case CONFLICT -> Map.of(src(fixTargets.get(0)), "another-fix");
              case FLAKY -> Map.of("src/flake-" + unit + ".txt", "flaky");
              case OUT_OF_SCOPE ->
                  Map.of(src(own), ExampleRepo.fixedContent(own), "docs/x.md", "x");
              case NON_FIXING -> Map.of("src/notes-" + unit + ".txt", "looked at it");
              case SABOTEUR -> {
                int victim = fixTargets.get(random.nextInt(fixTargets.size()));
                undone.put(k, ExampleRepo.testId(victim));
                if (victim > own) {
                  undoneBeforeTheFix++;
                  sabotagesBeforeTheFix++;
                } else {
                  sabotagesAfterTheFix++;
                }
                yield Map.of(
                    src(own), ExampleRepo.fixedContent(own), ExampleRepo.undoFile(victim), "x");
              }
            };
        List<String> scope = kinds.get(k) == Kind.OUT_OF_SCOPE ? List.of("src/**") : List.of();
        // A flaky candidate stands for an explicit unit, which names no target tests.
        List<String> targets =
            kinds.get(k) == Kind.FLAKY ? List.of() : List.of(ExampleRepo.testId(own));
        requests.add(request(repo, home, unit, writes, scope, targets));
      }

      List<Decision> decisions = gate.decide(requests);

      String label = "iteration " + iteration + " " + kinds;
      assertThat(decisions.stream().mapToInt(d -> d.verdict().suiteRuns()).max().orElse(0))
          .as(label + ": suite runs")
          .isLessThanOrEqualTo(runsAllowed(kinds, undoneBeforeTheFix));
      for (int k = 0; k < kinds.size(); k++) {
        GateVerdict verdict = decisions.get(k).verdict();
        String what = label + " candidate " + k + " (" + decisions.get(k).detail() + ")";
        switch (kinds.get(k)) {
          case FIX, FLAKY ->
              assertThat(verdict.outcome()).as(what).isEqualTo(GateVerdict.Outcome.LANDED);
          case BREAK -> {
            assertThat(verdict.reason()).as(what).isEqualTo(Reason.REGRESSION);
            assertThat(verdict.brokenTests()).as(what).isNotEmpty().isSubsetOf(broken);
          }
          case CONFLICT -> assertThat(verdict.reason()).as(what).isEqualTo(Reason.CONFLICT);
          case OUT_OF_SCOPE -> assertThat(verdict.reason()).as(what).isEqualTo(Reason.OUT_OF_SCOPE);
          case NON_FIXING -> {
            assertThat(verdict.reason()).as(what).isEqualTo(Reason.TARGET_STILL_FAILING);
            assertThat(verdict.brokenTests()).as(what).containsExactly(ExampleRepo.testId(k + 1));
          }
          case SABOTEUR -> {
            assertThat(verdict.reason()).as(what).isEqualTo(Reason.REGRESSION);
            assertThat(verdict.brokenTests()).as(what).contains(undone.get(k));
          }
        }
        assertThat(decisions.get(k).detail()).as(what + " detail").isNotBlank();
      }
      for (int n = FAILING + 1; n <= FAILING + PASSING; n++) {
        assertThat(onMain(repo, src(n)))
            .as(label + ": test %d still passes on main", n)
            .isEqualTo(ExampleRepo.fixedContent(n));
      }
      for (int n : fixTargets) {
        assertThat(onMain(repo, src(n)))
            .as(label + ": fix %d on main", n)
            .isEqualTo(ExampleRepo.fixedContent(n));
      }
      assertTargetsPassFromTheirLanding(repo, home, requests, decisions, label);
    }
    assertThat(sabotagesBeforeTheFix)
        .as("batches where a saboteur comes before the fix")
        .isPositive();
    assertThat(sabotagesAfterTheFix)
        .as("batches where a saboteur comes after the fix")
        .isPositive();
  }

  /**
   * Runs the suite at every commit of main's first-parent history since the batch and checks that
   * every landed unit's target tests pass at its landing commit and at every commit after it.
   */
  private static void assertTargetsPassFromTheirLanding(
      ExampleRepo repo,
      Path home,
      List<GateRequest> requests,
      List<Decision> decisions,
      String label) {
    Path checkout = home.resolve("history");
    GIT.run(home, "clone", "--quiet", repo.url(), checkout.toString());
    List<String> firstParents =
        GIT.run(checkout, "rev-list", "--first-parent", "--reverse", "origin/main")
            .lines()
            .toList();
    for (String commit : firstParents) {
      GIT.run(checkout, "checkout", "--quiet", "--detach", commit);
      Set<String> passing = suitePassing(checkout);
      for (int k = 0; k < requests.size(); k++) {
        GateVerdict verdict = decisions.get(k).verdict();
        if (verdict.outcome() == GateVerdict.Outcome.LANDED
            && isAncestor(checkout, verdict.landedCommit(), commit)) {
          assertThat(passing)
              .as("%s: targets of candidate %d at %s", label, k, commit)
              .containsAll(requests.get(k).targetTests());
        }
      }
    }
  }

  private static Set<String> suitePassing(Path checkout) {
    try {
      Process run =
          new ProcessBuilder("sh", ExampleRepo.TEST_COMMAND)
              .directory(checkout.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      assertThat(run.waitFor(30, TimeUnit.SECONDS)).as("suite in %s ended", checkout).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return JUnitReports.read(checkout, List.of(ExampleRepo.REPORT_GLOB)).passing();
  }

  private static boolean isAncestor(Path checkout, String ancestor, String commit) {
    return GIT.tryRun(checkout, "merge-base", "--is-ancestor", ancestor, commit).succeeded();
  }

  /**
   * The suite runs a batch may cost: what deciding it one at a time costs (the baseline, one run
   * for each candidate the checks let through, {@link #RERUNS} more for each refused after its run,
   * one more for the flaky one), and beyond that only what the search is known to spend: the
   * halving that finds a first culprit ({@code log2 n - RERUNS} runs, see {@link Splitting}), the
   * halving a flaky failure sends it on before the re-run clears it ({@code log2 n}), and, for a
   * candidate that undoes a later candidate's target, that candidate's run alone and the halving of
   * the chain that finds who undid it ({@code 1 + log2 n}).
   */
  private static int runsAllowed(List<Kind> kinds, int undoneBeforeTheFix) {
    int runs = 1;
    int flaky = 0;
    for (Kind kind : kinds) {
      runs +=
          switch (kind) {
            case FIX -> 1;
            case BREAK, NON_FIXING, SABOTEUR -> 1 + RERUNS;
            case FLAKY -> 2;
            case CONFLICT, OUT_OF_SCOPE -> 0;
          };
      flaky += kind == Kind.FLAKY ? 1 : 0;
    }
    int halving = 32 - Integer.numberOfLeadingZeros(kinds.size() - 1);
    return runs
        + Math.max(0, halving - RERUNS)
        + halving * flaky
        + (1 + halving) * undoneBeforeTheFix;
  }

  /** Fixes come first, so that a conflicting candidate has an earlier fix to conflict with. */
  private static List<Kind> randomKinds(Random random, int size) {
    List<Kind> kinds = new ArrayList<>(List.of(Kind.FIX));
    while (kinds.size() < size) {
      kinds.add(Kind.values()[random.nextInt(Kind.values().length)]);
    }
    return kinds;
  }

  /**
   * Adds a test to main that fails once for each {@code src/flake-*.txt} it has not seen before (it
   * keeps markers outside the worktree), so a candidate that adds such a file flakes the suite
   * once.
   */
  static void addFlakyTest(ExampleRepo repo, Path home) throws IOException {
    Path markers = Files.createDirectories(home.resolve("flake-markers"));
    Path clone = home.resolve("setup");
    GIT.run(home, "clone", "--quiet", repo.url(), clone.toString());
    Files.writeString(
        clone.resolve("tests/tflaky.sh"),
        ("for f in src/flake-*.txt; do [ -e \"$f\" ] || continue; m=%s/$(basename \"$f\");"
                + " [ -e \"$m\" ] && continue; touch \"$m\"; echo flaked; exit 1; done; exit 0\n")
            .formatted(markers));
    GIT.run(clone, "add", "--all");
    GIT.run(clone, "commit", "--quiet", "-m", "A test that flakes once per new flake file");
    GIT.run(clone, "push", "--quiet", "origin", "main");
  }

  /** A worker's candidate, pushed, and its request with the unit's fence set. */
  GateRequest request(
      ExampleRepo repo,
      Path home,
      String unit,
      Map<String, String> writes,
      List<String> scope,
      List<String> targets)
      throws IOException {
    JobId job = JobId.parse("job-batch");
    Path clone = home.resolve("w-" + unit);
    GIT.run(home, "clone", "--quiet", repo.url(), clone.toString());
    String branch = "fleetq/" + job + "/" + unit + "/a1";
    GIT.run(clone, "checkout", "--quiet", "-b", branch);
    String base = GIT.run(clone, "rev-parse", "HEAD");
    for (Map.Entry<String, String> write : writes.entrySet()) {
      Path file = clone.resolve(write.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, write.getValue() + "\n");
    }
    GIT.run(clone, "add", "--all");
    GIT.run(clone, "commit", "--quiet", "-m", "Work on " + unit);
    GIT.run(clone, "push", "--quiet", "origin", "HEAD:refs/heads/" + branch);
    UnitKey key = new UnitKey(job, UnitId.parse(unit));
    harness.redis().getAtomicLong(harness.keys().attempt(key)).set(1);
    return new GateRequest(
        job,
        key.unit(),
        1,
        WorkerId.parse("w1"),
        new RepoSpec(repo.url(), "main"),
        branch,
        GIT.run(clone, "rev-parse", "HEAD"),
        base,
        scope,
        targets,
        GateHarness.gateSpec(ExampleRepo.TEST_COMMAND),
        Instant.now());
  }

  static String src(int n) {
    return String.format("src/f%02d.txt", n);
  }

  static String onMain(ExampleRepo repo, String path) {
    return GIT.run(repo.origin(), "show", "main:" + path);
  }
}
