package dev.fleetq.exec.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root worker's process sandbox runs each command as a uid of its pool: the command works in its
 * workdir but cannot read the worker's environment, its files or another run's workdir, and what it
 * leaves running is killed by its uid. These tests need root, as the feature does; CI runs as root.
 */
class AgentUidsTest {
  private static final Duration QUICK = Duration.ofSeconds(30);

  @TempDir Path temp;
  private Path open;

  @BeforeEach
  void openTheTemporaryDirectory() throws IOException {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
    open = temp.toRealPath();
  }

  @Test
  void parsesARangeAndNamesWhatIsWrongWithABadOne() {
    assertThat(AgentUids.parse(AgentUids.DEFAULT_RANGE).size()).as("default pool").isEqualTo(128);
    assertThatThrownBy(() -> AgentUids.parse("61000"))
        .as("one number")
        .hasMessageContaining("FIRST-LAST")
        .hasMessageContaining("'61000'");
    assertThatThrownBy(() -> AgentUids.parse("5-a")).as("not a number").hasMessageContaining("5-a");
    assertThatThrownBy(() -> AgentUids.parse("0-3"))
        .as("root in the range")
        .hasMessageContaining("positive");
  }

  @Test
  void refusesAWorkDirThatAgentsCannotReachAndNamesTheDirectoryInTheWay() throws IOException {
    Path closed = Files.createDirectory(open.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> AgentUids.parse("61000-61001").requireReachable(closed.resolve("w")))
        .as("a work dir under a closed directory")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(closed + " is rwx------")
        .hasMessageContaining("--agent-uids off");
    Path reachable = open.resolve("work");
    AgentUids.parse("61000-61001").requireReachable(reachable);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reachable)))
        .as("the work dir, made passable")
        .endsWith("x");
  }

  @Test
  void theCommandRunsAsAPoolUidWithNoGroupsAndItsFilesComeBackToTheWorker() throws IOException {
    assumeRoot();
    Path workdir = Files.createDirectories(open.resolve("worktree"));
    SandboxResult result =
        sandbox("61000-61000").run(run("id -u; id -G; echo made > made.txt", workdir, "a"));

    assertThat(result.succeeded()).as("run (log: %s)", log("a")).isTrue();
    assertThat(log("a")).as("uid and groups").contains("61000\n61000\n");
    assertThat((Integer) Files.getAttribute(workdir.resolve("made.txt"), "unix:uid"))
        .as("owner of the file the command wrote, after the run")
        .isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workdir)))
        .as("the workdir, closed to others")
        .isEqualTo("rwx------");
  }

  @Test
  void theCommandCannotReadTheWorkersEnvironmentNorAnotherRunsWorkdir() throws IOException {
    assumeRoot();
    ProcessSandbox sandbox = sandbox("61000-61001");
    Path first = Files.createDirectories(open.resolve("first"));
    Files.writeString(first.resolve("secret.txt"), "first run's work");
    sandbox.run(run("true", first, "first"));
    Path second = Files.createDirectories(open.resolve("second"));
    String spy =
        ("cat /proc/%d/environ > environ.txt 2>&1 || echo refused-environ;"
                + " cat %s/secret.txt || echo refused-worktree")
            .formatted(ProcessHandle.current().pid(), first);

    sandbox.run(run(spy, second, "second"));

    assertThat(log("second"))
        .as("what the second run saw")
        .contains("refused-environ", "refused-worktree")
        .doesNotContain("first run's work");
    assertThat(Files.readString(second.resolve("environ.txt")))
        .as("the worker's environment, as the command read it")
        .doesNotContain("PATH=")
        .contains("Permission denied");
  }

  @Test
  void killsAProcessThatLeftTheCommandsSession() throws IOException {
    assumeRoot();
    Path workdir = Files.createDirectories(open.resolve("escape"));

    sandbox("61000-61000").run(run("setsid sleep 300 & echo $! > escaped.pid", workdir, "e"));

    long pid = Long.parseLong(Files.readString(workdir.resolve("escaped.pid")).strip());
    assertThat(ProcessSandboxTest.isRunning(pid))
        .as("the process that left the session, after the run")
        .isFalse();
  }

  @Test
  void aRootlessProcessCannotMakeADroppingSandbox() {
    assumeThat(ProcessSandbox.isRoot()).as("not root").isFalse();
    assertThatThrownBy(() -> ProcessSandbox.droppingTo(AgentUids.parse("61000-61000")))
        .hasMessageContaining("only a worker that runs as root");
  }

  private static void assumeRoot() {
    assumeThat(ProcessSandbox.isRoot()).as("running other uids needs root").isTrue();
  }

  private static ProcessSandbox sandbox(String uids) {
    return new ProcessSandbox(Map.of("PATH", System.getenv("PATH")), AgentUids.parse(uids));
  }

  private SandboxRun run(String command, Path workdir, String name) {
    return new SandboxRun(
        command,
        workdir,
        Map.of(),
        List.of(),
        QUICK,
        open.resolve("logs").resolve(name + ".log"),
        open.resolve("scratch").resolve(name));
  }

  private String log(String name) throws IOException {
    return Files.readString(open.resolve("logs").resolve(name + ".log"));
  }
}
