package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.kafka.DeadLetters;
import dev.fleetq.coordinator.kafka.EventLog;
import dev.fleetq.coordinator.kafka.Sender;
import dev.fleetq.coordinator.metrics.CoordinatorMetrics;
import dev.fleetq.coordinator.plan.Baselines;
import dev.fleetq.coordinator.setup.KafkaProvisioner;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.DevStackConfig;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * The whole gate ({@link MergeGate}: its poll loop, batch windows, request handler and thread pool)
 * on four independent repositories at once, with four executors, run with {@code parallelRuns = 1}
 * and then {@code parallelRuns = 4}, side by side. Each repository gets one candidate that fixes
 * its failing test; its suite sleeps {@value #SUITE_SECONDS} s before the example's tests, so that
 * the suite, not fleetq's own work, is what a run costs. The four repositories are chosen to fall
 * on four different partitions of the gate topic, as many repositories on a cluster's partitions
 * spread. It prints the time from the four requests to the four verdicts and the ratio; it asserts
 * nothing about them.
 *
 * <p>Run it with {@code ./mvnw -B -pl load-tests -am verify -Dtest=GateParallelRunsBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; the numbers are in {@code
 * load-tests/target/surefire-reports/*GateParallelRunsBenchmark-output.txt}.
 */
@Tag("benchmark")
class GateParallelRunsBenchmark {
  private static final int REPOSITORIES = 4;
  private static final int SUITE_SECONDS = 5;
  private static final Duration PATIENCE = Duration.ofMinutes(5);

  @TempDir Path dir;

  @Test
  void fourRepositoriesWithFourParallelRunsTakeAboutAsLongAsOne() throws Exception {
    try (DevStack stack = DevStack.start(DevStackConfig.defaults())) {
      RedissonClient redis = Suites.redis(stack.redisUri());
      try {
        long one = measure(stack, redis, 1);
        long four = measure(stack, redis, 4);
        System.out.printf(
            "%nGate parallel runs: %d repositories, one candidate each, %d executors,"
                + " a suite of about %d s%n",
            REPOSITORIES, REPOSITORIES, SUITE_SECONDS);
        System.out.printf("  parallelRuns = 1: %6d ms from the requests to the verdicts%n", one);
        System.out.printf("  parallelRuns = 4: %6d ms%n", four);
        System.out.printf(
            "  ratio:            %.2f of parallelRuns = 1 (1.00 is no gain, 0.25 is all of it)%n%n",
            (double) four / one);
      } finally {
        redis.shutdown(0, 5, TimeUnit.SECONDS);
      }
    }
  }

  /** Milliseconds from sending the four requests to the gate's fourth LANDED verdict. */
  private long measure(DevStack stack, RedissonClient redis, int parallelRuns) throws Exception {
    String name = "parallel-" + parallelRuns;
    RedisKeys keys = new RedisKeys("bench-" + name + ":");
    Topics topics = new Topics("bench-" + name + ".");
    Path home = Files.createDirectories(dir.resolve(name));
    try (Suites suites = Suites.start(stack, redis, topics, keys, home, REPOSITORIES)) {
      List<GateRequest> requests = new ArrayList<>();
      for (ExampleRepo repo : repositoriesOnDistinctPartitions(home)) {
        offerBaseline(redis, keys, repo);
        requests.add(candidate(redis, keys, repo, home));
      }
      PrometheusRegistry registry = new PrometheusRegistry();
      Sender sender = suites.sender();
      MergeGate gate =
          new MergeGate(
              GateConfig.defaults().withParallelRuns(parallelRuns).withMaxWait(Duration.ZERO),
              suites.config(),
              redis,
              new GateEvents(
                  new EventLog(sender, topics),
                  new DeadLetters(sender, topics, new CoordinatorMetrics(new PrometheusRegistry())),
                  Clock.systemUTC()),
              new GateMetrics(registry),
              suites.dispatcher(),
              Clock.systemUTC());
      gate.start();
      try {
        long started = System.nanoTime();
        for (GateRequest request : requests) {
          sender.send(topics.gate(), request.repoId().value(), Json.encode(request), List.of());
        }
        awaitLanded(registry, requests.size());
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      } finally {
        gate.close();
      }
    }
  }

  /**
   * Example repositories, one failing test each, named so that their ids differ (the example's
   * origin is always {@code example-origin.git}) and the gate topic's default partitioner puts each
   * on a partition no other of them uses.
   */
  private static List<ExampleRepo> repositoriesOnDistinctPartitions(Path home) throws IOException {
    List<ExampleRepo> repos = new ArrayList<>();
    Set<Integer> partitions = new HashSet<>();
    for (int n = 0; repos.size() < REPOSITORIES; n++) {
      ExampleRepo example = ExampleRepo.create(home.resolve("repo-" + n), 1, 4);
      Path origin = example.origin().resolveSibling("repo-" + n + ".git");
      Files.move(example.origin(), origin);
      ExampleRepo repo = new ExampleRepo(origin, example.failing(), example.passing());
      byte[] key = RepoId.fromUrl(repo.url()).value().getBytes(StandardCharsets.UTF_8);
      if (partitions.add(Utils.toPositive(Utils.murmur2(key)) % KafkaProvisioner.GATE_PARTITIONS)) {
        repos.add(repo);
      }
    }
    return repos;
  }

  private static void offerBaseline(RedissonClient redis, RedisKeys keys, ExampleRepo repo) {
    Set<String> passing = new HashSet<>();
    repo.passing().forEach(n -> passing.add(ExampleRepo.testId(n)));
    new Baselines(redis, keys)
        .offer(
            new GateBaseline(RepoId.fromUrl(repo.url()), repo.mainHead(), passing, Instant.now()));
  }

  /** The candidate that fixes the repository's one failing test. */
  private static GateRequest candidate(
      RedissonClient redis, RedisKeys keys, ExampleRepo repo, Path home) throws IOException {
    return Candidates.push(
        redis,
        keys,
        repo,
        home,
        "u-" + repo.origin().getFileName().toString().replace(".git", ""),
        Map.of(Candidates.src(1), ExampleRepo.fixedContent(1) + "\n"),
        List.of(ExampleRepo.testId(1)),
        new GateSpec(
            "sleep " + SUITE_SECONDS + "; " + ExampleRepo.TEST_COMMAND,
            List.of(ExampleRepo.REPORT_GLOB),
            Duration.ofMinutes(1)));
  }

  /** Waits, at most {@link #PATIENCE}, until the gate counted {@code count} LANDED verdicts. */
  private static void awaitLanded(PrometheusRegistry registry, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (landed(registry) < count) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the gate landed " + landed(registry) + " of " + count + " within " + PATIENCE);
      }
      Thread.sleep(50);
    }
  }

  private static double landed(PrometheusRegistry registry) {
    double landed = 0;
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof CounterSnapshot counter
          && counter.getMetadata().getName().equals("fleetq_gate_verdicts")) {
        landed +=
            counter.getDataPoints().stream()
                .filter(point -> "LANDED".equals(point.getLabels().get("outcome")))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
      }
    }
    return landed;
  }
}
