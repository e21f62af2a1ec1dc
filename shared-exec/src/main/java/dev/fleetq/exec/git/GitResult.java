package dev.fleetq.exec.git;

/**
 * What one git command printed and how it exited. Returned, rather than thrown, for commands whose
 * failure is an expected outcome, such as a merge that conflicts or a push that lost a race.
 *
 * @param exitCode the process exit status
 * @param stdout everything git wrote to standard output, trailing newline removed
 * @param stderr everything git wrote to standard error, trailing newline removed
 */
public record GitResult(int exitCode, String stdout, String stderr) {

  /** Whether git exited with status 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }
}
