package dev.fleetq.exec.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an agent's command as a child process of the worker, in the unit's worktree. It is the
 * sandbox for trusted agents and for development; it isolates the command's environment, not its
 * file system or network.
 *
 * <p>The command sees a scrubbed environment: {@code PATH} (the worker's), {@code LANG=C.UTF-8},
 * the allow-listed variables the worker has, the run's own {@code FLEETQ_*} variables, and {@code
 * HOME} and {@code TMPDIR} inside the run's scratch directory. Standard input is {@code /dev/null};
 * standard output and error are appended to the log file between a header line and a footer line
 * written by the sandbox.
 *
 * <p>The command runs through {@code setsid} in a session and process group of its own, so that
 * when it times out the whole tree it started is killed, including processes it put in the
 * background whose parent has already exited. Anything the command leaves running after it exits is
 * killed as well. A process that starts a session of its own escapes the group; only a container
 * sandbox confines such a command. Where {@code setsid} is missing, the tree is killed through its
 * descendants alone, which misses orphaned processes.
 *
 * <p>A sandbox made by {@link #droppingTo} is for a worker that runs as root: each command runs as
 * a uid of its {@link AgentUids} through {@code setpriv} (util-linux), with no supplementary groups
 * and no way back to root ({@code no_new_privs}), in a workdir and scratch directory handed to that
 * uid for the run and closed to everyone else (see {@link DroppedRun}). It cannot read the worker's
 * {@code /proc/<pid>/environ}, its home directory or another run's worktree, and every process it
 * leaves, even one in a session of its own, is killed by its uid.
 *
 * <p>If the calling thread is interrupted (the worker is shutting down), the command's tree is
 * killed, the footer says so, and {@link #run} throws a {@link CancellationException} with the
 * thread's interrupt status set again.
 *
 * <p>Thread-safe and stateless: each slot's thread runs its own commands.
 */
public final class ProcessSandbox implements Sandbox {
  /** The {@code PATH} a command gets when the worker has none. */
  public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  /** The prefix of every variable a run may set through {@link SandboxRun#environment()}. */
  public static final String VARIABLE_PREFIX = "FLEETQ_";

  /** How long to wait for a killed process tree to be gone. */
  static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(ProcessSandbox.class);
  private static final String SHELL = "/bin/sh";

  private final Map<String, String> workerEnvironment;
  private final Path setsid;
  private final AgentUids uids;
  private final Path setpriv;

  /** A sandbox that passes allow-listed variables from this JVM's own environment. */
  public ProcessSandbox() {
    this(System.getenv(), null);
  }

  /**
   * @param workerEnvironment the worker's environment, from which {@code PATH} and the allow-listed
   *     variables are taken
   * @param uids the uids commands run as, or null to run them as this process's user
   */
  ProcessSandbox(Map<String, String> workerEnvironment, AgentUids uids) {
    this.workerEnvironment = Map.copyOf(workerEnvironment);
    String path = this.workerEnvironment.getOrDefault("PATH", DEFAULT_PATH);
    this.setsid = findExecutable(path, "setsid");
    this.uids = uids;
    this.setpriv = uids == null ? null : findExecutable(path, "setpriv");
    if (uids != null && setpriv == null) {
      throw new IllegalStateException(
          "setpriv (util-linux) was not found; a root worker needs it to run commands as the"
              + " agent uids "
              + uids);
    }
    if (setsid == null) {
      log.warn(
          "setsid (util-linux) was not found; a timed-out command's orphaned background processes"
              + " will survive it");
    }
  }

  /**
   * A sandbox for a worker that runs as root, whose commands run as the unprivileged {@code uids}.
   *
   * @throws IllegalStateException if this process is not root, or {@code setpriv} is missing
   */
  public static ProcessSandbox droppingTo(AgentUids uids) {
    if (!isRoot()) {
      throw new IllegalStateException(
          "only a worker that runs as root can run its agents as the uids " + uids);
    }
    log.info("Local commands run as the uids {}, one per run, not as root", uids);
    return new ProcessSandbox(System.getenv(), uids);
  }

  /** Whether this process runs as root, the only user that can run commands as another. */
  public static boolean isRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  @Override
  public SandboxResult run(SandboxRun run) {
    check(run);
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("not running " + run.command() + ": the worker is stopping");
    }
    prepare(run);
    if (uids == null) {
      return run(run, null);
    }
    try (DroppedRun dropped = DroppedRun.start(uids, run)) {
      return run(run, dropped);
    }
  }

  private SandboxResult run(SandboxRun run, DroppedRun dropped) {
    ProcessBuilder builder = builder(run, commandLine(run, dropped));
    append(run.logFile(), "# fleetq: running " + run.command() + " in " + run.workdir());
    log.debug("Running {} in {} with a timeout of {}", run.command(), run.workdir(), run.timeout());
    long started = System.nanoTime();
    Process process = start(builder, run);
    ProcessTree tree =
        new ProcessTree(
            process, setsid != null, dropped == null ? ProcessTree.SHARED_UID : dropped.uid());
    try {
      if (!process.waitFor(run.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
        return timedOut(run, tree, started);
      }
      return exited(run, tree, process.exitValue(), started);
    } catch (InterruptedException e) {
      ProcessTree.Killing killing = tree.kill(KILL_WAIT);
      Duration elapsed = since(started);
      footer(run, "interrupted after " + format(elapsed) + ", process tree killed", killing);
      log.info("Killed {} in {}: the worker is stopping", run.command(), run.workdir());
      Thread.currentThread().interrupt();
      CancellationException cancelled =
          new CancellationException(
              "interrupted after " + format(elapsed) + "; killed " + run.command());
      cancelled.initCause(e);
      throw cancelled;
    }
  }

  private SandboxResult timedOut(SandboxRun run, ProcessTree tree, long started) {
    ProcessTree.Killing killing = tree.kill(KILL_WAIT);
    Duration elapsed = since(started);
    footer(run, "timed out after " + format(run.timeout()) + ", process tree killed", killing);
    log.warn(
        "{} in {} timed out after {}; killed {} processes",
        run.command(),
        run.workdir(),
        format(run.timeout()),
        killing.found());
    return new SandboxResult(SandboxResult.KILLED, true, elapsed, run.logFile());
  }

  private SandboxResult exited(SandboxRun run, ProcessTree tree, int exitCode, long started) {
    Duration elapsed = since(started);
    ProcessTree.Killing strays = tree.kill(KILL_WAIT);
    if (strays.found() > 0) {
      append(
          run.logFile(),
          "# fleetq: killed "
              + strays.found()
              + (strays.found() == 1 ? " background process" : " background processes")
              + " the command left running");
    }
    footer(run, "exit " + exitCode + " after " + format(elapsed), strays);
    log.info(
        "{} in {} exited with {} after {}",
        run.command(),
        run.workdir(),
        exitCode,
        format(elapsed));
    return new SandboxResult(exitCode, false, elapsed, run.logFile());
  }

  private void check(SandboxRun run) {
    Objects.requireNonNull(run, "run");
    if (!Files.isDirectory(run.workdir())) {
      throw new IllegalArgumentException(
          "sandbox workdir " + run.workdir() + " does not exist or is not a directory");
    }
    for (String name : run.environment().keySet()) {
      if (!name.startsWith(VARIABLE_PREFIX)) {
        throw new IllegalArgumentException(
            "environment variable "
                + name
                + " may not be set for a sandboxed command: only "
                + VARIABLE_PREFIX
                + "* variables are; pass the worker's own variables through envAllowList");
      }
    }
  }

  /** Creates the run's {@code HOME}, {@code TMPDIR} and the log file's directory. */
  private static void prepare(SandboxRun run) {
    try {
      Files.createDirectories(run.scratchDir().resolve("home"));
      Files.createDirectories(run.scratchDir().resolve("tmp"));
      Path logDirectory = run.logFile().getParent();
      if (logDirectory != null) {
        Files.createDirectories(logDirectory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare the sandbox for " + run.command(), e);
    }
  }

  /** {@code [setsid] [setpriv ... --] /bin/sh -c <command>}. */
  private List<String> commandLine(SandboxRun run, DroppedRun dropped) {
    List<String> command = new ArrayList<>();
    if (setsid != null) {
      // No --wait: a child of the JVM never leads a process group, so setsid execs what follows
      // directly, and the shell's pid is the id of the new session and group.
      command.add(setsid.toString());
    }
    if (dropped != null) {
      command.addAll(dropped.prefix(setpriv));
    }
    command.addAll(List.of(SHELL, "-c", run.command()));
    return command;
  }

  private ProcessBuilder builder(SandboxRun run, List<String> command) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(run.workdir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(run.logFile().toFile()))
            .redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.put("PATH", workerEnvironment.getOrDefault("PATH", DEFAULT_PATH));
    environment.put("LANG", "C.UTF-8");
    for (String name : run.envAllowList()) {
      String value = workerEnvironment.get(name);
      if (value != null) {
        environment.put(name, value);
      }
    }
    environment.putAll(run.environment());
    environment.put("HOME", run.scratchDir().resolve("home").toString());
    environment.put("TMPDIR", run.scratchDir().resolve("tmp").toString());
    return builder;
  }

  private static Process start(ProcessBuilder builder, SandboxRun run) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + run.command(), e);
    }
  }

  private static void footer(SandboxRun run, String outcome, ProcessTree.Killing killing) {
    if (!killing.survivors().isEmpty()) {
      log.warn("Processes {} of {} outlived SIGKILL", killing.survivors(), run.command());
      append(run.logFile(), "# fleetq: processes " + killing.survivors() + " outlived SIGKILL");
    }
    append(run.logFile(), "# fleetq: " + outcome);
  }

  private static void append(Path logFile, String line) {
    try {
      Files.writeString(
          logFile,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the sandbox log " + logFile, e);
    }
  }

  private static Path findExecutable(String path, String name) {
    List<String> directories = new ArrayList<>(List.of(path.split(File.pathSeparator)));
    directories.addAll(List.of("/usr/bin", "/bin"));
    return directories.stream()
        .filter(directory -> !directory.isBlank())
        .map(directory -> Path.of(directory, name))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** A duration as people read it in a log: {@code 250 ms}, {@code 5 s}, {@code 1.2 s}. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
