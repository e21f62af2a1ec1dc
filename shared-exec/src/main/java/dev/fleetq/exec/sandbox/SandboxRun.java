package dev.fleetq.exec.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One command to run in a {@link Sandbox}, with everything the sandbox needs to isolate it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param command a shell command line, run through {@code /bin/sh -c}
 * @param workdir the directory the command runs in, usually the unit's worktree; absolute
 * @param environment variables the worker sets for the command, typically {@code FLEETQ_*}
 * @param envAllowList names of variables passed through from the worker's own environment when the
 *     worker has them, such as {@code ANTHROPIC_API_KEY}; nothing else of the worker's environment
 *     reaches the command
 * @param timeout how long the command may run before it and everything it started are killed
 * @param logFile the file the command's standard output and error are appended to; absolute
 * @param scratchDir an absolute directory for the command's {@code HOME} and {@code TMPDIR}, owned
 *     by the caller, who also removes it
 */
public record SandboxRun(
    String command,
    Path workdir,
    Map<String, String> environment,
    List<String> envAllowList,
    Duration timeout,
    Path logFile,
    Path scratchDir) {

  public SandboxRun {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("sandbox command must not be blank");
    }
    requireAbsolute(workdir, "workdir");
    requireAbsolute(logFile, "logFile");
    requireAbsolute(scratchDir, "scratchDir");
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    envAllowList = List.copyOf(Objects.requireNonNull(envAllowList, "envAllowList"));
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("sandbox timeout must be positive, got " + timeout);
    }
  }

  private static void requireAbsolute(Path path, String name) {
    Objects.requireNonNull(path, name);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(name + " must be an absolute path, got " + path);
    }
  }
}
