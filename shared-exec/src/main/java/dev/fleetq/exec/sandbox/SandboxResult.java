package dev.fleetq.exec.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a sandboxed command ended.
 *
 * <p>Immutable and thread-safe.
 *
 * @param exitCode the command's exit status, or {@value #KILLED} when the sandbox killed it
 * @param timedOut whether the command ran past its timeout and was killed with its process tree
 * @param elapsed how long the command ran, from start until it ended or was killed
 * @param logFile the file that holds the command's output
 */
public record SandboxResult(int exitCode, boolean timedOut, Duration elapsed, Path logFile) {
  /** The exit code of a command that the sandbox killed. */
  public static final int KILLED = -1;

  public SandboxResult {
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(logFile, "logFile");
    if (elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed must not be negative, got " + elapsed);
    }
    if (timedOut && exitCode != KILLED) {
      throw new IllegalArgumentException("a timed-out command has exit code " + KILLED);
    }
  }

  /** Whether the command ran to the end and exited with status 0. */
  public boolean succeeded() {
    return !timedOut && exitCode == 0;
  }
}
