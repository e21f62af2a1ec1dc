package dev.fleetq.exec.git;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The git command line, run with a timeout and a fixed identity. fleetq drives git through its
 * command line rather than a Java library because that is what agents and users already use:
 * credential helpers, ssh configuration and hooks all behave as they do at a terminal.
 *
 * <p>Git never prompts (a missing credential is an error, not a hang), speaks English so that its
 * output can be read, and commits as the identity given here. Thread-safe: each call starts its own
 * process.
 */
public final class Git {
  /** How long one git command may run unless the caller says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private final Identity identity;
  private final Duration timeout;

  /**
   * @param identity the author and committer of every commit made through this instance
   * @param timeout how long one command may run before its process is killed
   */
  public Git(Identity identity, Duration timeout) {
    this.identity = Objects.requireNonNull(identity, "identity");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
  }

  /**
   * Runs git in {@code dir} and returns its standard output; any non-zero exit is a {@link
   * GitException}.
   */
  public String run(Path dir, String... args) {
    GitResult result = tryRun(dir, args);
    if (!result.succeeded()) {
      throw new GitException(
          List.of(args),
          result.exitCode(),
          describe(dir, args) + " exited with " + result.exitCode() + ": " + result.stderr(),
          null);
    }
    return result.stdout();
  }

  /**
   * Runs git in {@code dir} and returns how it ended, whatever its exit status. Throws {@link
   * GitException} only when git could not be started or ran past the timeout.
   */
  public GitResult tryRun(Path dir, String... args) {
    if (!Files.isDirectory(dir)) {
      throw new GitException(List.of(args), -1, describe(dir, args) + ": no such directory", null);
    }
    List<String> command = new ArrayList<>(args.length + 1);
    command.add("git");
    command.addAll(List.of(args));
    Path stdout = null;
    Path stderr = null;
    try {
      // Files rather than pipes: no reader threads, and a chatty command can never fill a pipe and
      // stall.
      stdout = Files.createTempFile("fleetq-git", ".out");
      stderr = Files.createTempFile("fleetq-git", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      configure(builder.environment());
      int exitCode = await(builder.start(), dir, args);
      return new GitResult(exitCode, read(stdout), read(stderr));
    } catch (IOException e) {
      throw new GitException(List.of(args), -1, describe(dir, args) + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(stdout);
      deleteQuietly(stderr);
    }
  }

  private int await(Process process, Path dir, String[] args) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new GitException(
            List.of(args), -1, describe(dir, args) + " timed out after " + timeout, null);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new GitException(List.of(args), -1, describe(dir, args) + " was interrupted", e);
    }
  }

  private void configure(Map<String, String> env) {
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_ASKPASS", "true");
    env.put("LC_ALL", "C");
    env.put("GIT_AUTHOR_NAME", identity.name());
    env.put("GIT_AUTHOR_EMAIL", identity.email());
    env.put("GIT_COMMITTER_NAME", identity.name());
    env.put("GIT_COMMITTER_EMAIL", identity.email());
  }

  private static String read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover file in the temp directory is harmless; the command's outcome matters more.
    }
  }

  private static String describe(Path dir, String[] args) {
    return "git " + String.join(" ", args) + " (in " + dir + ")";
  }

  /**
   * The name and e-mail git records as author and committer.
   *
   * @param name a person-readable name, such as {@code fleetq worker w1}
   * @param email an address, such as {@code w1@fleetq.invalid}
   */
  public record Identity(String name, String email) {
    public Identity {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("identity name must not be blank");
      }
      if (email == null || email.isBlank()) {
        throw new IllegalArgumentException("identity email must not be blank");
      }
    }
  }
}
