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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * Suite runs of the batching gate against a one-at-a-time gate, side by side, as culprits grow
 * common: 32 candidates, each fixing one failing test of the example repository (its target test,
 * which the goal check holds it to), of which 0 %, 6 %, 30 % and 60 % also break a passing test
 * (seeded, at random places). It measures two kinds of culprits: each breaking a passing test of
 * its own, and all breaking one of two passing tests, as candidates do that share a root cause or a
 * weak agent's habit, where one bisection finds one culprit at a time. At 30 % it also runs the
 * batch with {@code parallelRuns = 4} (four executors, up to four runs of a bisection at once). It
 * prints the numbers and asserts nothing about them (targets live here, not in timed unit tests).
 *
 * <p>It sits in the gate's package because the gate's classes are package-private; it drives them
 * on real git, real processes, the devstack's Kafka and Redis, and one real executor (a worker with
 * a suite slot and no unit slot), which runs every suite the gate sends. Run it with {@code ./mvnw
 * -B -pl load-tests -am verify -Dtest=GateEconomyBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; the numbers are in {@code
 * load-tests/target/surefire-reports/*GateEconomyBenchmark-output.txt}.
 */
@Tag("benchmark")
class GateEconomyBenchmark {
  private static final int CANDIDATES = 32;
  private static final int PASSING = CANDIDATES;
  private static final List<Integer> VICTIMS = List.of(CANDIDATES, 2);
  private static final List<Integer> RATES = List.of(0, 6, 30, 60);
  private static final long SEED = 20261206L;
  private static final int PARALLEL_RATE = 30;
  private static final int PARALLEL_RUNS = 4;

  @TempDir Path dir;

  @Test
  void batchingGateNeverCostsMoreSuiteRunsThanOneAtATime() throws IOException {
    try (DevStack stack = DevStack.start(DevStackConfig.defaults())) {
      RedissonClient redis = Suites.redis(stack.redisUri());
      try {
        for (int victims : VICTIMS) {
          System.out.printf(
              "%nGate economy: %d candidates; the culprits break %s%n",
              CANDIDATES,
              victims == CANDIDATES
                  ? "a passing test each"
                  : "one of " + victims + " passing tests");
          System.out.printf(
              "  culprits        one batch of 32               one at a time"
                  + "                 ratio%n");
          for (int rate : RATES) {
            measure(stack, redis, rate, victims);
          }
        }
        System.out.println();
      } finally {
        redis.shutdown(0, 5, TimeUnit.SECONDS);
      }
    }
  }

  /** Measures both gates on one rate and kind of culprit, and prints its row. */
  private void measure(DevStack stack, RedissonClient redis, int rate, int victims)
      throws IOException {
    Set<Integer> culprits = culprits(rate);
    String name = rate + "-" + victims;
    // Each run has keys of its own: the units have the same ids, and a landing the benchmark
    // never confirms (no event is sent) would hold the next run's same unit for its lease.
    Result batched = measure(stack, redis, "batched-" + name, culprits, victims, CANDIDATES, 1);
    Result single = measure(stack, redis, "single-" + name, culprits, victims, 1, 1);
    System.out.printf(
        "  %2d %% (%2d)     %3d runs, %2d landed, %6d ms   %3d runs, %2d landed, %6d ms"
            + "   %.2f runs, %.2f time%n",
        rate,
        culprits.size(),
        batched.runs,
        batched.landed,
        batched.millis,
        single.runs,
        single.landed,
        single.millis,
        (double) batched.runs / single.runs,
        (double) batched.millis / single.millis);
    System.out.printf("                 culprits at %s%n", culprits);
    if (rate == PARALLEL_RATE) {
      Result parallel =
          measure(stack, redis, "parallel-" + name, culprits, victims, CANDIDATES, PARALLEL_RUNS);
      System.out.printf(
          "                 parallelRuns = %d: %3d runs, %6d ms, %.2f of parallelRuns = 1's time%n",
          PARALLEL_RUNS, parallel.runs, parallel.millis, (double) parallel.millis / batched.millis);
    }
  }

  /** {@code rate} per cent of the candidates, chosen with a fixed seed. */
  private static Set<Integer> culprits(int rate) {
    List<Integer> all = new ArrayList<>();
    for (int n = 1; n <= CANDIDATES; n++) {
      all.add(n);
    }
    Collections.shuffle(all, new Random(SEED + rate));
    return new TreeSet<>(all.subList(0, Math.round(rate * CANDIDATES / 100f)));
  }

  /**
   * Decides the candidates in batches of {@code batch}, as the gate's topic would deliver them,
   * with up to {@code width} runs at once on as many executors.
   */
  private Result measure(
      DevStack stack,
      RedissonClient redis,
      String name,
      Set<Integer> culprits,
      int victims,
      int batch,
      int width)
      throws IOException {
    RedisKeys keys = new RedisKeys("bench-" + name + ":");
    Topics topics = new Topics("bench-" + name + ".");
    Path home = Files.createDirectories(dir.resolve(name));
    ExecutorService pool = Executors.newFixedThreadPool(width);
    try (Suites suites = Suites.start(stack, redis, topics, keys, home, width)) {
      BatchGate gate =
          gate(
              suites.dispatcher(),
              redis,
              keys,
              home.resolve("gate"),
              new TreeRuns.Parallel(width, pool));
      return measure(gate, redis, keys, home, culprits, victims, batch);
    } finally {
      pool.shutdownNow();
    }
  }

  private Result measure(
      BatchGate gate,
      RedissonClient redis,
      RedisKeys keys,
      Path home,
      Set<Integer> culprits,
      int victims,
      int batch)
      throws IOException {
    ExampleRepo repo = ExampleRepo.create(home, CANDIDATES, PASSING);
    Set<String> passing = new HashSet<>();
    repo.passing().forEach(n -> passing.add(ExampleRepo.testId(n)));
    Baselines baselines = new Baselines(redis, keys);
    baselines.offer(
        new GateBaseline(RepoId.fromUrl(repo.url()), repo.mainHead(), passing, Instant.now()));
    List<GateRequest> requests = new ArrayList<>();
    for (int n = 1; n <= CANDIDATES; n++) {
      requests.add(candidate(redis, keys, repo, home, n, culprits.contains(n) ? victims : 0));
    }
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
      SuiteDispatcher dispatcher,
      RedissonClient redis,
      RedisKeys keys,
      Path workDir,
      TreeRuns.Parallel parallel) {
    GateConfig config = GateConfig.defaults();
    GateLedger ledger = new GateLedger(redis, keys, Duration.ofMinutes(1));
    GateMetrics metrics = new GateMetrics(new PrometheusRegistry());
    Git git =
        new Git(new Git.Identity("fleetq gate", "gate@fleetq.invalid"), Duration.ofMinutes(1));
    SuiteRunner suites = new SuiteRunner(dispatcher, metrics);
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
        parallel,
        clock);
  }

  /**
   * Candidate {@code n} fixes failing test {@code n}; a culprit ({@code victims > 0}) also breaks
   * one of the first {@code victims} passing tests by adding the file that undoes it, the same in
   * every culprit, so that culprits merge cleanly with each other.
   */
  private static GateRequest candidate(
      RedissonClient redis, RedisKeys keys, ExampleRepo repo, Path home, int n, int victims)
      throws IOException {
    Map<String, String> files = new HashMap<>();
    files.put(Candidates.src(n), ExampleRepo.fixedContent(n) + "\n");
    if (victims > 0) {
      files.put(ExampleRepo.undoFile(CANDIDATES + 1 + n % victims), "broken\n");
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
