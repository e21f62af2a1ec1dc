package dev.fleetq.worker.run;

import dev.fleetq.exec.git.GitException;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.claim.Lease;
import dev.fleetq.worker.git.Workspace;
import dev.fleetq.worker.git.Workspace.Checkout;
import dev.fleetq.worker.git.Workspace.MergeOutcome;
import dev.fleetq.worker.metrics.WorkerMetrics;
import dev.fleetq.worker.run.RunningUnit.StopCause;
import dev.fleetq.worker.sandbox.SandboxUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One attempt at one claimed unit, from start to end in its slot: emit {@code CLAIMED}, pull, write
 * the assignment, emit {@code RUNNING}, run the agent, commit, merge the latest main, push, ask the
 * gate, emit {@code PUSHED}; then remove the worktree and release the lease, whatever happened. An
 * attempt that ends without a push then emits {@code RETRYING} with its reason (after the release,
 * so that the next attempt finds the lock free); the coordinator decides whether the unit gets
 * another attempt. A cancelled attempt ends without an event, since the projector already marked
 * the unit cancelled; a worker that shuts down hands the unit back with {@code WORKER_SHUTDOWN}.
 *
 * <p>Not thread-safe; runs once, on one slot thread, with {@code job}, {@code unit}, {@code
 * attempt} and {@code worker} in the logging MDC. Other threads stop it through its {@link
 * RunningUnit}.
 */
final class UnitAttempt implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(UnitAttempt.class);

  private final WorkUnit unit;
  private final Lease lease;
  private final GateBaseline main;
  private final RunningUnit handle;
  private final Workspace workspace;
  private final AgentRunner agent;
  private final Outbox outbox;
  private final WorkerId worker;
  private final WorkerMetrics metrics;
  private final BreakOffs breakOffs;

  UnitAttempt(
      WorkUnit unit,
      Lease lease,
      GateBaseline main,
      RunningUnit handle,
      Workspace workspace,
      AgentRunner agent,
      Outbox outbox,
      WorkerId worker,
      WorkerMetrics metrics,
      BreakOffs breakOffs) {
    this.unit = Objects.requireNonNull(unit, "unit");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.main = main;
    this.handle = Objects.requireNonNull(handle, "handle");
    this.workspace = Objects.requireNonNull(workspace, "workspace");
    this.agent = Objects.requireNonNull(agent, "agent");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.breakOffs = Objects.requireNonNull(breakOffs, "breakOffs");
  }

  @Override
  public void run() {
    putContext();
    Instant claimedAt = outbox.now();
    try {
      Checkout checkout = null;
      Ending ending;
      StopCause stopped;
      try {
        // Emitted before the handle binds, so that a stop cannot cut it short: a unit handed back
        // is always CLAIMED before it is RETRYING.
        outbox.event(unit, UnitStatus.CLAIMED, null, null);
        handle.bind();
        Optional<Ending> done = alreadyDone();
        if (done.isPresent()) {
          ending = done.get();
        } else {
          checkout = workspace.checkout(unit);
          ending = work(checkout);
        }
      } catch (RuntimeException e) {
        ending = unfinished(e);
      } finally {
        stopped = handle.beginEnding();
        // The lease goes before the end is reported: the coordinator publishes the next attempt as
        // soon as it reads RETRYING, and a worker that finds the unit's lock still held skips it.
        cleanUp(checkout);
      }
      report(stopped, ending, Duration.between(claimedAt, outbox.now()));
    } finally {
      handle.finish();
      MDC.clear();
    }
  }

  /**
   * Superseded before any work when the newest gate baseline, read with the claim, shows every
   * target test of the unit passing on main: another unit's landing did this one's work. A unit
   * without target tests always gets its agent.
   */
  private Optional<Ending> alreadyDone() {
    if (main == null
        || unit.targetTests().isEmpty()
        || !main.passing().containsAll(unit.targetTests())) {
      return Optional.empty();
    }
    log.info("Superseded before work: main {} passes every target test", main.commit());
    return Optional.of(
        Ending.superseded(
            main.commit()
                + "\nsuperseded: main at "
                + main.commit()
                + " (measured "
                + main.measuredAt()
                + ") already passes its target tests, so no agent ran: "
                + String.join(", ", unit.targetTests())));
  }

  private Ending work(Checkout checkout) {
    Path task = TaskFile.write(checkout.dir(), unit);
    outbox.event(unit, UnitStatus.RUNNING, null, null);
    SandboxResult result;
    Instant agentStart = outbox.now();
    try {
      result = agent.run(unit, checkout.dir(), task);
    } catch (SandboxUnavailableException e) {
      return Ending.failed(
          Reason.SANDBOX_UNAVAILABLE,
          "worker " + worker + " cannot run the agent: " + e.getMessage());
    }
    metrics.agentRan(Duration.between(agentStart, outbox.now()));
    breakOffs.recovered();
    if (result.timedOut()) {
      return Ending.failed(
          Reason.TIMED_OUT,
          "the agent ran past its timeout of "
              + unit.agent().timeout()
              + " and was killed; its last lines:\n"
              + LogTail.of(result.logFile()));
    }
    if (result.exitCode() != 0) {
      return Ending.failed(
          Reason.AGENT_FAILED,
          "the agent exited with status "
              + result.exitCode()
              + "; its last lines:\n"
              + LogTail.of(result.logFile()));
    }
    if (!workspace.commitAll(checkout, CommitMessage.of(unit, worker))) {
      return Ending.failed(
          Reason.NO_CHANGES, "the agent finished without changing any file outside .fleetq/");
    }
    MergeOutcome merge = workspace.mergeLatestMain(checkout);
    if (merge.conflicted()) {
      return Ending.failed(
          Reason.CONFLICT,
          "merging "
              + checkout.mainBranch()
              + " at "
              + merge.mainCommit()
              + " conflicted in: "
              + String.join(", ", merge.conflicts()));
    }
    try {
      workspace.push(checkout);
    } catch (GitException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw e;
      }
      return Ending.failed(Reason.PUSH_FAILED, e.getMessage());
    }
    outbox.gateRequest(
        new GateRequest(
            unit.jobId(),
            unit.unitId(),
            unit.attempt(),
            worker,
            unit.repo(),
            checkout.branch(),
            merge.head(),
            merge.mainCommit(),
            unit.scope(),
            unit.targetTests(),
            unit.gate(),
            outbox.now(),
            unit.agent().image()));
    outbox.event(unit, UnitStatus.PUSHED, null, checkout.branch() + " at " + merge.head());
    log.info("Pushed {} at {}", checkout.branch(), merge.head());
    return Ending.pushed();
  }

  /**
   * The attempt broke off. If it was stopped from outside, the cause decides the report; otherwise
   * the worker could not do its part (a repository it cannot fetch, Kafka unreachable) and hands
   * the unit back, which the protocol spells {@code WORKER_SHUTDOWN}, and takes no unit for a while
   * ({@link BreakOffs}).
   */
  private Ending unfinished(RuntimeException e) {
    if (!Thread.currentThread().isInterrupted()) {
      log.warn("Attempt broke off; this worker takes no unit for {}", breakOffs.brokeOff(), e);
    }
    return Ending.failed(
        Reason.WORKER_SHUTDOWN,
        "worker " + worker + " could not finish the attempt and handed it back: " + e);
  }

  private void report(StopCause stopped, Ending ending, Duration took) {
    if (ending.isPushed()) {
      metrics.pushed(took);
      return;
    }
    if (ending.superseded() && stopped == null) {
      metrics.superseded(took);
      try {
        outbox.event(unit, UnitStatus.SUPERSEDED, null, ending.detail());
      } catch (KafkaException e) {
        log.error("Could not report that main already does the unit's work", e);
      }
      return;
    }
    if (stopped == StopCause.SUPERSEDED) {
      metrics.superseded(took);
      log.info("Unit was superseded by another's landing; agent stopped, no event");
      return;
    }
    if (stopped == StopCause.CANCELLED) {
      metrics.failed(Reason.CANCELLED, took);
      log.info("Unit was cancelled; agent stopped, no event");
      return;
    }
    Ending reported =
        stopped == StopCause.SHUTDOWN
            ? Ending.failed(
                Reason.WORKER_SHUTDOWN, "worker " + worker + " shut down and handed the unit back")
            : ending;
    log.info("Attempt ended: {}", reported.reason());
    metrics.failed(reported.reason(), took);
    try {
      outbox.event(unit, UnitStatus.RETRYING, reported.reason(), reported.detail());
    } catch (KafkaException e) {
      log.error("Could not report the end of the attempt ({})", reported.reason(), e);
    }
  }

  private void cleanUp(Checkout checkout) {
    if (checkout != null) {
      try {
        workspace.remove(checkout);
      } catch (RuntimeException e) {
        log.warn("Could not remove the worktree {}", checkout.dir(), e);
      }
    }
    try {
      agent.removeScratch(unit);
    } catch (RuntimeException e) {
      log.warn("Could not remove the agent's scratch directory", e);
    }
    try {
      lease.release();
    } catch (RuntimeException e) {
      log.warn("Could not release {}; it expires with the watchdog timeout", lease, e);
    }
  }

  private void putContext() {
    MDC.put("job", unit.jobId().value());
    MDC.put("unit", unit.unitId().value());
    MDC.put("attempt", Integer.toString(unit.attempt()));
    MDC.put("worker", worker.value());
  }
}
