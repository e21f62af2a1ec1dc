package dev.fleetq.exec.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSandboxTest {
  private static final Duration QUICK = Duration.ofSeconds(30);
  private static final String GRANDCHILD = "sh -c 'sleep 300 & echo $! > child.pid; wait'";

  private final ProcessSandbox sandbox =
      new ProcessSandbox(
          Map.of(
              "PATH", System.getenv("PATH"),
              "AGENT_API_KEY", "let-me-in",
              "WORKER_DATABASE_PASSWORD", "hunter2"),
          null);

  @TempDir Path temp;
  private Path workdir;
  private Path logFile;
  private Path scratch;

  @BeforeEach
  void createWorkdir() throws IOException {
    workdir = Files.createDirectories(temp.resolve("worktree")).toRealPath();
    logFile = temp.resolve("logs/agent.log");
    scratch = temp.resolve("scratch");
  }

  @Test
  void capturesTheExitCodeAndBothOutputStreamsInTheLog() throws IOException {
    SandboxResult result = sandbox.run(run("echo to-stdout; echo to-stderr >&2; exit 3", QUICK));

    assertThat(result.exitCode()).as("exit code").isEqualTo(3);
    assertThat(result.timedOut()).as("timed out").isFalse();
    assertThat(result.succeeded()).as("succeeded").isFalse();
    assertThat(result.logFile()).as("log file").isEqualTo(logFile);
    assertThat(Files.readAllLines(logFile))
        .as("log lines")
        .first()
        .isEqualTo("# fleetq: running echo to-stdout; echo to-stderr >&2; exit 3 in " + workdir);
    assertThat(Files.readAllLines(logFile))
        .as("log lines")
        .contains("to-stdout", "to-stderr")
        .last()
        .asString()
        .matches("# fleetq: exit 3 after \\d+(\\.\\d)? m?s");
  }

  @Test
  void runsInTheWorkdirAndSucceedsOnExitZero() throws IOException {
    SandboxResult result = sandbox.run(run("pwd", QUICK));

    assertThat(result.succeeded()).as("succeeded").isTrue();
    assertThat(Files.readAllLines(logFile)).as("log lines").contains(workdir.toString());
  }

  @Test
  void appendsToAnExistingLog() throws IOException {
    sandbox.run(run("echo first", QUICK));
    sandbox.run(run("echo second", QUICK));

    assertThat(Files.readAllLines(logFile))
        .as("log lines of two runs")
        .containsSubsequence("first", "# fleetq: running echo second in " + workdir, "second");
  }

  @Test
  void passesOnlyAllowListedVariablesFromTheWorkerEnvironment() throws IOException {
    sandbox.run(run("env", QUICK, Map.of(), List.of("AGENT_API_KEY", "NOT_SET_ON_THE_WORKER")));

    assertThat(Files.readAllLines(logFile))
        .as("environment the command saw")
        .contains("AGENT_API_KEY=let-me-in", "PATH=" + System.getenv("PATH"), "LANG=C.UTF-8")
        .noneMatch(line -> line.startsWith("WORKER_DATABASE_PASSWORD="))
        .noneMatch(line -> line.startsWith("NOT_SET_ON_THE_WORKER="));
  }

  @Test
  void pointsHomeAndTmpdirIntoTheScratchDirectory() throws IOException {
    sandbox.run(run("echo home=$HOME; echo tmp=$TMPDIR; touch $HOME/.agentrc $TMPDIR/x", QUICK));

    assertThat(Files.readAllLines(logFile))
        .as("HOME and TMPDIR the command saw")
        .contains("home=" + scratch.resolve("home"), "tmp=" + scratch.resolve("tmp"));
    assertThat(scratch.resolve("home/.agentrc")).as("file written to HOME").exists();
    assertThat(scratch.resolve("tmp/x")).as("file written to TMPDIR").exists();
  }

  @Test
  void passesTheRunsFleetqVariables() throws IOException {
    sandbox.run(
        run("echo unit=$FLEETQ_UNIT_ID", QUICK, Map.of("FLEETQ_UNIT_ID", "u-7"), List.of()));

    assertThat(Files.readAllLines(logFile)).as("log lines").contains("unit=u-7");
  }

  @Test
  void rejectsVariablesWithoutTheFleetqPrefixInTheRunsEnvironment() {
    SandboxRun run = run("true", QUICK, Map.of("LD_PRELOAD", "/tmp/evil.so"), List.of());

    assertThatThrownBy(() -> sandbox.run(run))
        .as("error for a non-FLEETQ variable")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LD_PRELOAD");
    assertThat(logFile).as("log of a rejected run").doesNotExist();
  }

  @Test
  void rejectsAWorkdirThatDoesNotExist() {
    Path missing = temp.resolve("no-such-worktree");
    SandboxRun run = new SandboxRun("true", missing, Map.of(), List.of(), QUICK, logFile, scratch);

    assertThatThrownBy(() -> sandbox.run(run))
        .as("error for a missing workdir")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void reportsExitCode127ForACommandThatDoesNotExist() throws IOException {
    SandboxResult result = sandbox.run(run("no-such-agent --fix", QUICK));

    assertThat(result.exitCode()).as("exit code").isEqualTo(127);
    assertThat(Files.readString(logFile)).as("log").contains("no-such-agent: not found");
  }

  @Test
  void runsTheCommandInASessionAndProcessGroupOfItsOwn() throws IOException {
    sandbox.run(run("cat /proc/$$/stat > shell.stat", QUICK));

    String stat = Files.readString(workdir.resolve("shell.stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    String pid = stat.substring(0, stat.indexOf(' '));
    assertThat(fields[2]).as("process group of the shell").isEqualTo(pid);
    assertThat(fields[3]).as("session of the shell").isEqualTo(pid);
  }

  @Test
  void killsTheWholeProcessTreeWhenTheCommandTimesOut() throws IOException {
    SandboxResult result = sandbox.run(run(GRANDCHILD, Duration.ofSeconds(1)));

    assertThat(result.timedOut()).as("timed out").isTrue();
    assertThat(result.exitCode()).as("exit code").isEqualTo(SandboxResult.KILLED);
    assertThat(result.elapsed()).as("elapsed").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    long grandchild = pidIn(workdir.resolve("child.pid"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(isRunning(grandchild))
                    .as("grandchild %d running", grandchild)
                    .isFalse());
    assertThat(Files.readAllLines(logFile))
        .as("log lines")
        .last()
        .isEqualTo("# fleetq: timed out after 1 s, process tree killed");
  }

  @Test
  void killsOrphanedGrandchildrenWhenTheCommandTimesOut() throws IOException {
    // The inner shell exits at once, so its sleep is no longer a descendant of the command; only
    // the command's session still holds it.
    SandboxResult result =
        sandbox.run(
            run("sh -c 'sleep 300 & echo $! > child.pid'; sleep 300", Duration.ofSeconds(1)));

    assertThat(result.timedOut()).as("timed out").isTrue();
    long orphan = pidIn(workdir.resolve("child.pid"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(isRunning(orphan)).as("orphan %d running", orphan).isFalse());
  }

  @Test
  void killsBackgroundProcessesTheCommandLeavesBehind() throws IOException {
    SandboxResult result = sandbox.run(run("sleep 300 & echo $! > child.pid", QUICK));

    assertThat(result.succeeded()).as("succeeded").isTrue();
    long orphan = pidIn(workdir.resolve("child.pid"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(isRunning(orphan)).as("orphan %d running", orphan).isFalse());
    assertThat(Files.readString(logFile))
        .as("log")
        .contains("# fleetq: killed 1 background process the command left running");
  }

  @Test
  void interruptingTheCallingThreadKillsTheTreeAndPropagatesTheInterruption() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean interruptedAfterwards = new AtomicBoolean();
    Thread slot =
        new Thread(
            () -> {
              try {
                sandbox.run(run(GRANDCHILD, Duration.ofMinutes(5)));
              } catch (RuntimeException e) {
                thrown.set(e);
              }
              interruptedAfterwards.set(Thread.currentThread().isInterrupted());
            },
            "sandbox-test-slot");
    slot.start();
    Path pidFile = workdir.resolve("child.pid");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
    long grandchild = pidIn(pidFile);

    slot.interrupt();

    await().atMost(Duration.ofSeconds(10)).until(() -> !slot.isAlive());
    assertThat(thrown.get()).as("what run threw").isInstanceOf(CancellationException.class);
    assertThat(interruptedAfterwards).as("interrupt status after run").isTrue();
    assertThat(isRunning(grandchild)).as("grandchild %d running", grandchild).isFalse();
    assertThat(Files.readAllLines(logFile))
        .as("log lines")
        .last()
        .asString()
        .startsWith("# fleetq: interrupted after ")
        .endsWith(", process tree killed");
  }

  @Test
  void startsNothingWhenTheCallingThreadIsAlreadyInterrupted() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> sandbox.run(run("touch started", QUICK)))
          .as("error when already interrupted")
          .isInstanceOf(CancellationException.class);
      assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(workdir.resolve("started")).as("file the command would create").doesNotExist();
  }

  private SandboxRun run(String command, Duration timeout) {
    return run(command, timeout, Map.of(), List.of());
  }

  private SandboxRun run(
      String command, Duration timeout, Map<String, String> environment, List<String> allowed) {
    return new SandboxRun(command, workdir, environment, allowed, timeout, logFile, scratch);
  }

  private static long pidIn(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  /**
   * Whether a process still runs. A killed process whose parent died first stays a zombie until
   * init collects it, and this machine's init may never do so; {@link ProcessHandle#isAlive} counts
   * zombies as alive, so the state in {@code /proc} decides.
   */
  static boolean isRunning(long pid) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }
}
