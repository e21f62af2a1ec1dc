package dev.fleetq.worker.run;

import dev.fleetq.exec.files.DirectoryTrees;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.sandbox.AgentSandboxes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a unit's agent command in the sandbox: in the unit's worktree, with the {@code FLEETQ_*}
 * variables of {@code docs/protocol.md} and the job's allow-listed variables, under the job's
 * timeout, in the job's container image or the worker's default one if either is set, on the job's
 * network (see {@link AgentSandboxes}), its output appended to a log file per attempt under {@code
 * <workDir>/logs}, and its {@code HOME} and {@code TMPDIR} in a scratch directory that is removed
 * afterwards.
 *
 * <p>Thread-safe: each slot runs its own agent; a run blocks its slot's thread, and an interrupt of
 * that thread kills the agent's process tree.
 */
final class AgentRunner {
  private final AgentSandboxes sandboxes;
  private final WorkerId worker;
  private final Path logs;
  private final Path scratch;

  AgentRunner(AgentSandboxes sandboxes, WorkerId worker, Path workDir) {
    this.sandboxes = Objects.requireNonNull(sandboxes, "sandboxes");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.logs = workDir.resolve("logs");
    this.scratch = workDir.resolve("scratch");
  }

  /**
   * Runs the agent to its end or its timeout.
   *
   * @throws java.util.concurrent.CancellationException if the slot's thread was interrupted; the
   *     agent's process tree is gone
   * @throws dev.fleetq.worker.sandbox.SandboxUnavailableException if this worker cannot run the
   *     agent where its job asks; the agent never started
   */
  SandboxResult run(WorkUnit unit, Path worktree, Path taskFile) {
    Map<String, String> env =
        Map.of(
            "FLEETQ_JOB_ID", unit.jobId().value(),
            "FLEETQ_UNIT_ID", unit.unitId().value(),
            "FLEETQ_ATTEMPT", Integer.toString(unit.attempt()),
            "FLEETQ_WORKER_ID", worker.value(),
            "FLEETQ_TASK_FILE", taskFile.toString(),
            "FLEETQ_TARGET_TESTS", String.join("\n", unit.targetTests()));
    return sandboxes
        .forAgent(unit.agent())
        .run(
            new SandboxRun(
                unit.agent().command(),
                worktree,
                env,
                unit.agent().envAllowList(),
                unit.agent().timeout(),
                logFile(unit),
                scratchDir(unit)));
  }

  /** Where the attempt's agent output goes; kept after the attempt for people to read. */
  Path logFile(WorkUnit unit) {
    return logs.resolve(name(unit) + ".log");
  }

  /** Removes the attempt's scratch directory, if the agent left one. */
  void removeScratch(WorkUnit unit) {
    Path dir = scratchDir(unit);
    try {
      DirectoryTrees.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove the scratch directory " + dir, e);
    }
  }

  private Path scratchDir(WorkUnit unit) {
    return scratch.resolve(name(unit));
  }

  private static String name(WorkUnit unit) {
    return unit.jobId() + "-" + unit.unitId() + "-a" + unit.attempt();
  }
}
