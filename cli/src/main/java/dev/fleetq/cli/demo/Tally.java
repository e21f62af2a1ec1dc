package dev.fleetq.cli.demo;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobEvent;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the demo knows about its job, folded from the events topic: its failing tests and units,
 * units landed and superseded, what each agent is doing, and the gate's verdicts. Thread-safe: the
 * event feed's poll thread applies events while the main thread reads snapshots; every method is
 * synchronized.
 */
final class Tally {
  /** How many of a refusal's tests its line names. */
  private static final int NAMED_TESTS = 2;

  /** One agent's record: what it does now, and what it did. */
  record Agent(String doing, int landed, int refused, Duration agentTime) {}

  /** A consistent copy of the tally, for drawing and for the summary. */
  record Snapshot(
      int failingTests,
      int total,
      int landed,
      int superseded,
      Map<String, Agent> agents,
      int verdictsLanded,
      int verdictsRefused,
      int suiteRuns,
      Optional<JobStatus> end,
      String detail) {}

  private final JobId job;
  private final Map<String, Agent> agents = new TreeMap<>();
  private final Map<UnitId, String> pushedBy = new HashMap<>();
  private final Map<UnitId, Instant> runningSince = new HashMap<>();
  private final Set<UnitId> landedUnits = new HashSet<>();
  private final Set<UnitId> supersededUnits = new HashSet<>();
  private int failingTests;
  private int total;
  private int verdictsLanded;
  private int verdictsRefused;
  private int suiteRuns;
  private JobStatus end;
  private String detail;

  Tally(JobId job) {
    this.job = job;
  }

  /** Counts an agent before it has done anything, so that idle agents show. */
  synchronized void expectAgent(String name) {
    agents.putIfAbsent(name, new Agent("idle", 0, 0, Duration.ZERO));
  }

  synchronized void apply(Event event) {
    if (event instanceof JobEvent e && e.jobId().equals(job)) {
      total = Math.max(total, e.unitCount());
      failingTests = Math.max(failingTests, e.targetTests());
      if (e.status().isTerminal()) {
        end = e.status();
        detail = e.detail();
      }
    } else if (event instanceof UnitEvent e && e.jobId().equals(job)) {
      applyUnit(e);
    }
  }

  private void applyUnit(UnitEvent e) {
    String unit = e.unitId().value();
    String worker = e.worker() == null ? null : e.worker().value();
    switch (e.status()) {
      case CLAIMED -> doing(worker, "claimed " + unit);
      case RUNNING -> {
        runningSince.put(e.unitId(), e.at());
        doing(worker, "agent fixing " + unit + attempt(e));
      }
      case PUSHED -> {
        agentStopped(worker, e);
        pushedBy.put(e.unitId(), worker);
        doing(worker, "pushed " + unit + attempt(e) + ", waiting for the gate");
      }
      case GATING -> suiteRuns++;
      case LANDED -> landed(e);
      case SUPERSEDED -> {
        supersededUnits.add(e.unitId());
        agentStopped(worker, e);
        pushedBy.remove(e.unitId());
        doing(worker, unit + " superseded: main already passes its tests");
      }
      case RETRYING -> retrying(e, worker);
      default -> {}
    }
  }

  private void landed(UnitEvent e) {
    if (!landedUnits.add(e.unitId())) {
      return;
    }
    verdictsLanded++;
    String by = pushedBy.get(e.unitId());
    if (by != null) {
      Agent a = agent(by);
      agents.put(
          by, new Agent("landed " + e.unitId().value(), a.landed + 1, a.refused, a.agentTime));
    }
  }

  private void retrying(UnitEvent e, String worker) {
    String by = pushedBy.remove(e.unitId());
    if (by != null) {
      verdictsRefused++;
      Agent a = agent(by);
      String why =
          "gate refused " + e.unitId().value() + attempt(e) + ": " + e.reason() + naming(e.tests());
      agents.put(by, new Agent(why, a.landed, a.refused + 1, a.agentTime));
    } else {
      agentStopped(worker, e);
      doing(worker, e.unitId().value() + attempt(e) + " failed: " + e.reason());
    }
  }

  /** The tests a refusal names, as {@code " (t1, t2 and 3 more)"}; nothing when it names none. */
  private static String naming(List<String> tests) {
    if (tests.isEmpty()) {
      return "";
    }
    String shown = String.join(", ", tests.subList(0, Math.min(NAMED_TESTS, tests.size())));
    return tests.size() <= NAMED_TESTS
        ? " (" + shown + ")"
        : " (" + shown + " and " + (tests.size() - NAMED_TESTS) + " more)";
  }

  private void agentStopped(String worker, UnitEvent e) {
    Instant since = runningSince.remove(e.unitId());
    if (worker != null && since != null) {
      Agent a = agent(worker);
      Duration time = a.agentTime.plus(Duration.between(since, e.at()));
      agents.put(worker, new Agent(a.doing, a.landed, a.refused, time));
    }
  }

  private void doing(String worker, String what) {
    if (worker != null) {
      Agent a = agent(worker);
      agents.put(worker, new Agent(what, a.landed, a.refused, a.agentTime));
    }
  }

  private Agent agent(String name) {
    return agents.getOrDefault(name, new Agent("idle", 0, 0, Duration.ZERO));
  }

  private static String attempt(UnitEvent e) {
    return e.attempt() > 1 ? " (attempt " + e.attempt() + ")" : "";
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(
        failingTests,
        total,
        landedUnits.size(),
        supersededUnits.size(),
        Collections.unmodifiableMap(new TreeMap<>(agents)),
        verdictsLanded,
        verdictsRefused,
        suiteRuns,
        Optional.ofNullable(end),
        detail);
  }
}
