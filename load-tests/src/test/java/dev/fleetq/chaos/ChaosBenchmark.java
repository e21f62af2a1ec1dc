package dev.fleetq.chaos;

import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.redisson.api.RBucket;
import org.redisson.client.codec.StringCodec;

/**
 * The chaos suite (issue 14): a standalone broker, {@code redis-server}, a coordinator and {@value
 * #WORKERS} workers as separate processes ({@link ChaosFleet}) run one job of {@value #UNITS}
 * failing tests per fault, while the benchmark injects the fault: none (the baseline), a worker
 * {@code SIGKILL} every {@value #KILL_EVERY_SECONDS} s (each of a worker that holds units no
 * earlier kill struck, since a unit whose worker dies uses one of its attempts), the coordinator
 * killed while it is landing, Redis restarted, Redis flushed, the broker killed and started again.
 * It prints one row per fault: units lost (not ended when the job ended or the row's bound ran
 * out), units landed twice ({@code LANDED} for two attempts, or two of the unit's commits on main),
 * the job's end state, the longest time without a gate verdict, and the time to recover (from the
 * fault, or from the restart, to the next verdict; for worker kills, to the next claim of each unit
 * the dead worker held).
 *
 * <p>Run it by name, not in {@code verify}: {@code ./mvnw -B -pl load-tests -am verify
 * -Dtest=ChaosBenchmark -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dchaos.faults=NONE,...}
 * picks the rows. It needs {@code redis-server} on the {@code PATH}.
 */
class ChaosBenchmark {
  static final int WORKERS = 4;
  static final int UNITS = 40;
  static final int KILL_EVERY_SECONDS = 8;
  private static final int KILLS = 5;
  private static final Duration ROW_BOUND = Duration.ofMinutes(6);

  /** What the benchmark does to the fleet during one job. */
  enum Fault {
    NONE,
    WORKER_KILLS,
    COORDINATOR_KILL_WHILE_LANDING,
    REDIS_RESTART,
    REDIS_FLUSHALL,
    BROKER_RESTART
  }

  /** One row of the table. */
  record Row(
      Fault fault,
      int planned,
      long landed,
      long lost,
      long landedTwice,
      String end,
      Duration longestWithoutVerdict,
      String recovery,
      Duration took) {
    String line() {
      return String.format(
          "| %-30s | %5d | %6d | %4d | %12d | %-22s | %8.1f s | %-28s | %6.0f s |",
          fault,
          planned,
          landed,
          lost,
          landedTwice,
          end,
          longestWithoutVerdict.toMillis() / 1000.0,
          recovery,
          took.toMillis() / 1000.0);
    }
  }

  /** Kept after the run, logs of every process included, under {@code target/chaos/}. */
  private final Path dir =
      Path.of("target", "chaos", Long.toString(System.currentTimeMillis())).toAbsolutePath();

  @Test
  void faultsLoseNoUnitAndLandNoneTwice() throws Exception {
    List<Row> rows = new ArrayList<>();
    try (ChaosFleet fleet = ChaosFleet.start(dir.resolve("fleet"), WORKERS)) {
      for (Fault fault : faults()) {
        rows.add(run(fleet, fault));
        System.out.println(rows.get(rows.size() - 1).line());
      }
    }
    String table = table(rows);
    System.out.println(table);
    Files.writeString(Path.of("target", "chaos.md"), table, StandardCharsets.UTF_8);
    SoftAssertions soft = new SoftAssertions();
    for (Row row : rows) {
      soft.assertThat(row.lost()).as("units lost under %s", row.fault()).isZero();
      soft.assertThat(row.landedTwice()).as("units landed twice under %s", row.fault()).isZero();
    }
    soft.assertAll();
  }

  private Row run(ChaosFleet fleet, Fault fault) throws Exception {
    String name = fault.name().toLowerCase().replace('_', '-');
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo-" + name), UNITS, 8);
    String agent = ScriptedAgent.fixer(dir.resolve("agent-" + name)).command();
    JobId job = JobId.parse("chaos-" + name);
    Instant start = Instant.now();
    try (EventWatch watch = new EventWatch(fleet.bootstrap(), fleet.topics().events(), job)) {
      fleet.submit(job, jobJson(job, repo, agent));
      Injector injector = new Injector(fault, fleet, watch);
      Instant deadline = start.plus(ROW_BOUND);
      while (!watch.ended() && Instant.now().isBefore(deadline)) {
        watch.poll(Duration.ofMillis(200));
        injector.step();
      }
      watch.poll(Duration.ofSeconds(1));
      injector.close();
      Instant end = Instant.now();
      long twice = Math.max(watch.landedTwice(), unitsWithTwoCommitsOnMain(repo));
      String state =
          watch.ended() ? watch.status().toString() : watch.status() + " after " + ROW_BOUND;
      return new Row(
          fault,
          watch.planned(),
          watch.landed(),
          watch.unfinished(),
          twice,
          state,
          watch.longestWithoutVerdict(end),
          injector.recovery(),
          Duration.between(start, end));
    }
  }

  /** Units that have more than one of their own (non-merge) commits on main. */
  private static long unitsWithTwoCommitsOnMain(ExampleRepo repo) {
    Map<String, Integer> commits = new HashMap<>();
    for (String line : repo.mainLog("%P|%(trailers:key=Fleetq-Unit,valueonly)")) {
      String[] parts = line.split("\\|", 2);
      if (parts.length == 2 && !parts[0].contains(" ") && !parts[1].isBlank()) {
        commits.merge(parts[1].strip(), 1, Integer::sum);
      }
    }
    return commits.values().stream().filter(n -> n > 1).count();
  }

  private static String jobJson(JobId job, ExampleRepo repo, String agent) {
    return """
        {
          "id": "%s",
          "repo": {"url": "%s", "branch": "main"},
          "plan": {"kind": "failing-tests", "testCommand": "%s", "reportGlobs": ["%s"],
                   "timeout": "PT2M", "groupBy": "test"},
          "agent": {"command": "%s", "timeout": "PT2M", "maxAttempts": 3}
        }
        """
        .formatted(
            job.value(), repo.url(), ExampleRepo.TEST_COMMAND, ExampleRepo.REPORT_GLOB, agent);
  }

  private static List<Fault> faults() {
    String chosen = System.getProperty("chaos.faults", "");
    return chosen.isBlank()
        ? List.of(Fault.values())
        : Arrays.stream(chosen.split(",")).map(String::strip).map(Fault::valueOf).toList();
  }

  private static String table(List<Row> rows) {
    StringBuilder table =
        new StringBuilder(
            "| fault                          | units | landed | lost | landed twice | end state "
                + "             | longest without verdict | time to recover              | took   |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach(row -> table.append(row.line()).append('\n'));
    return table.toString();
  }

  /**
   * Injects one fault during one job and measures the recovery. Not thread-safe, except for the
   * landing watch it starts, which only kills the coordinator.
   */
  private static final class Injector {
    private final Fault fault;
    private final ChaosFleet fleet;
    private final EventWatch watch;
    private final List<Kill> kills = new ArrayList<>();
    private Instant lastKill = Instant.now();
    private Instant injected;
    private Instant restarted;
    private CompletableFuture<Instant> landingWatch;
    private final AtomicBoolean stopWatching = new AtomicBoolean();

    Injector(Fault fault, ChaosFleet fleet, EventWatch watch) {
      this.fault = fault;
      this.fleet = fleet;
      this.watch = watch;
    }

    void step() {
      switch (fault) {
        case NONE -> {}
        case WORKER_KILLS -> killAWorkerWhenDue();
        case COORDINATOR_KILL_WHILE_LANDING -> killCoordinatorWhileLanding();
        case REDIS_RESTART -> onceAThirdLanded(fleet::restartRedis);
        case REDIS_FLUSHALL ->
            onceAThirdLanded(
                () -> {
                  fleet.redis().getKeys().flushall();
                  return Instant.now();
                });
        case BROKER_RESTART -> onceAThirdLanded(fleet::restartBroker);
      }
    }

    private void killAWorkerWhenDue() {
      if (kills.size() >= KILLS
          || Duration.between(lastKill, Instant.now()).toSeconds() < KILL_EVERY_SECONDS) {
        return;
      }
      for (WorkerId worker : fleet.workers()) {
        Set<String> held = watch.heldBy(worker);
        // A unit whose worker dies uses an attempt, so each kill strikes units not struck before.
        if (!held.isEmpty()
            && kills.stream().noneMatch(k -> !Collections.disjoint(k.held(), held))) {
          lastKill = fleet.killWorker(worker);
          kills.add(new Kill(worker, held, lastKill));
          return;
        }
      }
    }

    /**
     * Watches Redis for an unconfirmed landing mark ({@code landed:{unit}} with a time to live) and
     * kills the coordinator the moment it sees one; then starts it again.
     */
    private void killCoordinatorWhileLanding() {
      if (landingWatch == null) {
        landingWatch = CompletableFuture.supplyAsync(this::killAtFirstLanding);
      } else if (restarted == null && landingWatch.isDone()) {
        injected = landingWatch.join();
        restarted = fleet.startCoordinator();
      }
    }

    private Instant killAtFirstLanding() {
      String pattern = fleet.keys().prefix() + "landed:*";
      while (!stopWatching.get()) {
        for (String key : fleet.redis().getKeys().getKeysByPattern(pattern)) {
          RBucket<String> mark = fleet.redis().getBucket(key, StringCodec.INSTANCE);
          if (mark.remainTimeToLive() > 0) {
            return fleet.killCoordinator();
          }
        }
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
      return null;
    }

    private void onceAThirdLanded(Supplier<Instant> inject) {
      if (injected == null && watch.landed() >= Math.max(1, watch.planned() / 3)) {
        injected = Instant.now();
        restarted = inject.get();
      }
    }

    void close() {
      stopWatching.set(true);
    }

    /** How long the fleet took to give a verdict again, or what it did not recover from. */
    String recovery() {
      if (fault == Fault.NONE) {
        return "-";
      }
      if (fault == Fault.WORKER_KILLS) {
        return workerRecovery();
      }
      if (injected == null) {
        return "fault never injected";
      }
      Instant verdict = watch.verdictAfter(restarted);
      String back =
          restarted.equals(injected)
              ? ""
              : " (back after " + seconds(Duration.between(injected, restarted)) + ")";
      return verdict == null
          ? "no verdict after it" + back
          : "verdict " + seconds(Duration.between(restarted, verdict)) + back;
    }

    private String workerRecovery() {
      Duration longest = Duration.ZERO;
      int units = 0;
      for (Kill kill : kills) {
        for (String unit : kill.held()) {
          Instant claimed = watch.claimedElsewhereAfter(unit, kill.worker(), kill.at());
          if (claimed == null) {
            return "unit " + unit + " of " + kill.worker() + " never claimed again";
          }
          units++;
          Duration took = Duration.between(kill.at(), claimed);
          longest = took.compareTo(longest) > 0 ? took : longest;
        }
      }
      return kills.size() + " kills, " + units + " units, max " + seconds(longest);
    }

    private static String seconds(Duration duration) {
      return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
  }

  /** A worker killed at {@code at} while it held {@code held}. */
  private record Kill(WorkerId worker, Set<String> held, Instant at) {}
}
