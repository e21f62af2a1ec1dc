package dev.fleetq.exec.sandbox;

/**
 * Where untrusted commands run: an agent's command on a worker, and a job's test command in the
 * coordinator's planner and gate (the tests run the agents' code). A child process ({@link
 * ProcessSandbox}) or a container; callers depend only on this seam, so the isolation level is a
 * deployment choice rather than a code change.
 *
 * <p>Implementations are thread-safe: each caller runs its own command. The call blocks the calling
 * thread until the command ends or is killed, so it must run on a bounded executor's thread, never
 * on an event loop.
 */
public interface Sandbox {
  /**
   * Runs the command to completion, or kills it with everything it started once its timeout passes.
   * A non-zero exit is a result, not an exception.
   *
   * @throws IllegalArgumentException when the run cannot start as described, such as a working
   *     directory that does not exist
   * @throws java.util.concurrent.CancellationException when the calling thread is interrupted; the
   *     command and everything it started have been killed, and the thread's interrupt status is
   *     set again
   */
  SandboxResult run(SandboxRun run);
}
