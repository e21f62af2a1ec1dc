package dev.fleetq.exec.git;

import java.util.List;

/**
 * A git command that failed, timed out or could not be started. The message names the command, the
 * directory and what git said, so it can be shown to a person as it is.
 */
public final class GitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> command;
  private final int exitCode;

  GitException(List<String> command, int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
  }

  /** The arguments given to git, without the binary. */
  public List<String> command() {
    return command;
  }

  /** The exit status, or -1 when git did not run to completion. */
  public int exitCode() {
    return exitCode;
  }
}
