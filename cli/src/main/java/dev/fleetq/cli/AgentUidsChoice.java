package dev.fleetq.cli;

import dev.fleetq.exec.sandbox.AgentUids;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import java.nio.file.Path;

/**
 * What {@code --agent-uids} says about the process sandbox: {@value #AUTO} runs commands as the
 * uids {@value AgentUids#DEFAULT_RANGE} when this process is root and as its own user otherwise; a
 * {@code FIRST-LAST} range asks for those uids; {@value #OFF} never changes the uid. Stateless.
 */
public final class AgentUidsChoice {
  /** Drop to the default uids when root. */
  private static final String AUTO = "auto";

  /** Run commands as this process's user. */
  private static final String OFF = "off";

  private AgentUidsChoice() {}

  /**
   * The process sandbox that {@code choice} asks for.
   *
   * @param runsAtOnce how many commands may run at once: the pool must hold as many uids
   * @param workDir where the runs' worktrees live, which the uids must be able to reach
   * @throws IllegalArgumentException if {@code choice} is no choice, or the pool is too small
   * @throws IllegalStateException if the uids cannot reach {@code workDir}, or a range was asked
   *     for by a process that is not root
   */
  public static ProcessSandbox sandbox(String choice, int runsAtOnce, Path workDir) {
    String trimmed = choice.trim();
    if (trimmed.equals(OFF) || (trimmed.equals(AUTO) && !ProcessSandbox.isRoot())) {
      return new ProcessSandbox();
    }
    AgentUids uids = AgentUids.parse(trimmed.equals(AUTO) ? AgentUids.DEFAULT_RANGE : trimmed);
    if (uids.size() < runsAtOnce) {
      throw new IllegalArgumentException(
          "--agent-uids "
              + uids
              + " holds "
              + uids.size()
              + " uids, fewer than the "
              + runsAtOnce
              + " commands that may run at once");
    }
    uids.requireReachable(workDir);
    return ProcessSandbox.droppingTo(uids);
  }
}
