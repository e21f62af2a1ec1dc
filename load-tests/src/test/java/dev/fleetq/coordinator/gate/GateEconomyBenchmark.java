package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.coordinator.suite.SuiteDispatcher;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.DevStackConfig;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * Suite runs of the batching gate against a one-at-a-time gate: 32 candidates, each fixing one
 * failing test of the example repository (its target test, which the goal check holds it to), two
 * of which also break a passing test. It prints the numbers and asserts nothing about them (targets
 * live here, not in timed unit tests).
 *
 * <p>It sits in the gate's package because the gate's classes are package-private; it drives them
 * on real git, real processes, the devstack's Kafka and Redis, and one real executor (a worker with
 * a suite slot and no unit slot), which runs every suite the gate sends. Run it with {@code ./mvnw
 * -B -pl load-tests -am verify -Dtest=GateBatchingBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; the numbers are in {@code
 * load-tests/target/surefire-reports/*GateBatchingBenchmark-output.txt}.
 */
@Tag("benchmark")
class GateBatchingBenchmark {
  private static final int CANDIDATES = 32;
  private static final int PASSING = 8;
  private static final List<Integer> BREAKERS = List.of(7, 20);

  @TempDir Path dir;

  @Test
  void batchingGateUsesFewerSuiteRunsThanOneAtATime() throws IOException {
    try (DevStack stack = DevStack.start(DevStackConfig.defaults())) {
      RedissonClient redis = Suites.redis(stack.redisUri());
      try {
        // Each run has keys of its own: the units have the same ids, and a landing the benchmark
        // never confirms (no event is sent) would hold the next run's same unit for its lease.
        Result batched = measure(stack, redis, "batched", CANDIDATES);
        Result defaults = measure(stack, redis, "default", GateConfig.DEFAULT_MAX_BATCH);
        Result single = measure(stack, redis, "single", 1);
        System.out.printf(
            "%nGate benchmark: %d candidates, %d of which break a passing test (at %s)%n",
            CANDIDATES, BREAKERS.size(), BREAKERS);
        System.out.printf(
            "  one batch of 32:   %3d suite runs, %2d landed, %d refused, %5d ms%n",
            batched.runs, batched.landed, batched.refused, batched.millis);
        System.out.printf(
            "  batches of %2d:     %3d suite runs, %2d landed, %d refused, %5d ms%n",
            GateConfig.DEFAULT_MAX_BATCH,
            defaults.runs,
            defaults.landed,
            defaults.refused,
            defaults.millis);
        System.out.printf(
            "  one at a time:     %3d suite runs, %2d landed, %d refused, %5d ms"
                + " (32 without the flake re-runs of the 2 breaks)%n",
            single.runs, single.landed, single.refused, single.millis);
        System.out.printf(
            "  ratio:             %.2f of the one-at-a-time runs (%.2f of 32); target <= 12 runs%n%n",
            (double) batched.runs / single.runs, batched.runs / 32.0);
      } finally {
        redis.shutdown(0, 5, TimeUnit.SECONDS);
      }
    }
  }

  /** Decides the candidates in batches of {@code batch}, as the gate's topic would deliver them. */
  private Result measure(DevStack stack, RedissonClient redis, String name, int batch)
      throws IOException {
    RedisKeys keys = new RedisKeys("bench-" + name + ":");
    Topics topics = new Topics("bench-" + name + ".");
    Path home = Files.createDirectories(dir.resolve(name));
    try (Suites suites = Suites.start(stack, redis, topics, keys, home, 1)) {
      return measure(suites.dispatcher(), redis, keys, home, batch);
    }
  }

  private Result measure(
      SuiteDispatcher dispatcher, RedissonClient redis, RedisKeys keys, Path home, int batch)
      throws IOException {
    ExampleRepo repo = ExampleRepo.create(home, CANDIDATES, PASSING);
    Set<String> passing = new HashSet<>();
    repo.passing().forEach(n -> passing.add(ExampleRepo.testId(n)));
    Baselines baselines = new Baselines(redis, keys);
    baselines.offer(
        new GateBaseline(RepoId.fromUrl(repo.url()), repo.mainHead(), passing, Instant.now()));
    List<GateRequest> requests = new ArrayList<>();
    for (int n = 1; n <= CANDIDATES; n++) {
      requests.add(candidate(redis, keys, repo, home, n));
    }
    BatchGate gate = gate(dispatcher, redis, keys, home.resolve("gate"));
    long started = System.nanoTime();
    List<Decision> decisions = new ArrayList<>();
    int runs = 0;
    for (int from = 0; from < requests.size(); from += batch) {
      List<Decision> decided =
          gate.decide(requests.subList(from, Math.min(requests.size(), from + batch)));
      decisions.addAll(decided);
      runs += decided.stream().mapToInt(d -> d.verdict().suiteRuns()).max().orElse(0);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    long landed =
        decisions.stream().filter(d -> d.verdict().outcome() == GateVerdict.Outcome.LANDED).count();
    return new Result(runs, landed, decisions.size() - landed, millis);
  }

  private static BatchGate gate(
      SuiteDispatcher dispatcher, RedissonClient redis, RedisKeys keys, Path workDir) {
    GateConfig config = GateConfig.defaults();
    GateLedger ledger = new GateLedger(redis, keys, Duration.ofMinutes(1));
    GateMetrics metrics = new GateMetrics(new PrometheusRegistry());
    Git git =
        new Git(new Git.Identity("fleetq gate", "gate@fleetq.invalid"), Duration.ofMinutes(1));
    SuiteRunner suites = new SuiteRunner(dispatcher, git, metrics);
    Clock clock = Clock.systemUTC();
    Gatekeeper gatekeeper =
        new Gatekeeper(
            ledger,
            new Baselines(redis, keys),
            git,
            suites,
            new ChangeGuard(config),
            workDir,
            Gatekeeper.Pause.until(new CountDownLatch(1)),
            clock);
    return new BatchGate(
        gatekeeper,
        ledger,
        suites,
        new FlakeFilter(suites, ledger, config.flakeReruns(), metrics),
        request -> {},
        config.landAttempts(),
        clock);
  }

  /** Candidate {@code n} fixes failing test {@code n}; a breaker also breaks a passing test. */
  private static GateRequest candidate(
      RedissonClient redis, RedisKeys keys, ExampleRepo repo, Path home, int n) throws IOException {
    Map<String, String> files = new HashMap<>();
    files.put(Candidates.src(n), ExampleRepo.fixedContent(n) + "\n");
    if (BREAKERS.contains(n)) {
      files.put(Candidates.src(CANDIDATES + 1 + BREAKERS.indexOf(n)), "broken\n");
    }
    return Candidates.push(
        redis,
        keys,
        repo,
        home,
        "u" + n,
        files,
        List.of(ExampleRepo.testId(n)),
        new GateSpec(
            ExampleRepo.TEST_COMMAND, List.of(ExampleRepo.REPORT_GLOB), Duration.ofMinutes(1)));
  }

  private record Result(int runs, long landed, long refused, long millis) {}
}
