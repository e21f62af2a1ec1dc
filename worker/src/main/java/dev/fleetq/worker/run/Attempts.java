package dev.fleetq.worker.run;

import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.GateBaseline;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.claim.Lease;
import dev.fleetq.worker.git.Workspace;
import dev.fleetq.worker.metrics.WorkerMetrics;
import dev.fleetq.worker.sandbox.AgentSandboxes;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Starts the attempt at a claimed unit in the slot the take loop reserved for it, with the
 * collaborators every attempt shares.
 *
 * <p>Thread-safe: it holds only thread-safe collaborators.
 */
public final class Attempts {
  private final Slots slots;
  private final Workspace workspace;
  private final AgentRunner agent;
  private final Outbox outbox;
  private final WorkerId worker;
  private final WorkerMetrics metrics;
  private final BreakOffs breakOffs;

  /**
   * @param slots where attempts run
   * @param workspace the worker's git checkouts
   * @param sandboxes where agents run
   * @param outbox where events and gate requests go
   * @param worker this worker
   * @param workDir where agent logs and scratch directories live
   * @param metrics where attempts are counted and timed
   * @param breakOffs where attempts that broke off for the worker's own reasons are recorded
   */
  public Attempts(
      Slots slots,
      Workspace workspace,
      AgentSandboxes sandboxes,
      Outbox outbox,
      WorkerId worker,
      Path workDir,
      WorkerMetrics metrics,
      BreakOffs breakOffs) {
    this.slots = Objects.requireNonNull(slots, "slots");
    this.workspace = Objects.requireNonNull(workspace, "workspace");
    this.agent = new AgentRunner(sandboxes, worker, workDir);
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.breakOffs = Objects.requireNonNull(breakOffs, "breakOffs");
  }

  /**
   * Starts the attempt in the reserved slot. Returns false if no slot thread would take it; the
   * lease is then still held and the caller must release it.
   *
   * @param main the repository's newest gate baseline, or null when there is none
   */
  public boolean start(WorkUnit unit, Lease lease, GateBaseline main) {
    return slots.start(
        unit.key(),
        handle ->
            new UnitAttempt(
                unit, lease, main, handle, workspace, agent, outbox, worker, metrics, breakOffs));
  }
}
