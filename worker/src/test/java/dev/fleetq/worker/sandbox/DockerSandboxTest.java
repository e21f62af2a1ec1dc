package dev.fleetq.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.worker.testing.TestDocker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an agent sees in its container, against a real engine: the worktree, its own user, no secret
 * files, and an environment whose values never reach the log.
 */
class DockerSandboxTest {
  private static final String TOKEN_VALUE = "s3cr3t-" + UUID.randomUUID();

  @TempDir Path dir;
  private TestDocker docker;
  private String workerId;
  private DockerSandbox sandbox;

  @BeforeEach
  void connect() {
    docker = TestDocker.engineOrSkip();
    workerId = "dst-" + UUID.randomUUID().toString().substring(0, 8);
    sandbox =
        DockerSandbox.connect(
            DockerSandboxConfig.defaults(docker.host()).withMemoryBytes(256L << 20),
            WorkerId.parse(workerId),
            TestDocker.BUSYBOX_IMAGE,
            Map.of("FQ_TEST_TOKEN", TOKEN_VALUE));
  }

  @AfterEach
  void noContainerIsLeft() {
    if (docker == null) {
      return;
    }
    List<String> left = docker.containersLabelled(ContainerSpec.WORKER_LABEL, workerId);
    docker.removeLabelled(ContainerSpec.WORKER_LABEL, workerId);
    sandbox.close();
    docker.close();
    assertThat(left).as("containers left by the test").isEmpty();
  }

  @Test
  void scriptedAgentFixesItsTestInsideAContainerAndTheFilesBelongToTheWorker() throws IOException {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 1, 1);
    Path worktree = dir.resolve("worktree");
    new Git(new Git.Identity("t", "t@fleetq.invalid"), Duration.ofSeconds(30))
        .run(dir, "clone", "--quiet", repo.url(), worktree.toString());
    String fixer = Files.readString(ScriptedAgent.fixer(dir.resolve("agent")).script());

    SandboxResult result =
        sandbox.run(
            run(
                fixer + "\n./run-tests.sh && echo suite-\"\"green",
                worktree,
                Map.of("FLEETQ_TARGET_TESTS", ExampleRepo.testId(1))));

    assertThat(result.exitCode()).as("exit code; log:\n%s", log(result)).isZero();
    assertThat(log(result)).as("log").contains("suite-green");
    assertThat(Files.readString(worktree.resolve("src/f01.txt")).strip())
        .as("the fixed file")
        .isEqualTo(ExampleRepo.fixedContent(1));
    assertThat(Files.getAttribute(worktree.resolve("reports/TEST-example.xml"), "unix:uid"))
        .as("owner of a file the agent created")
        .isEqualTo(Integer.parseInt(WorkerUser.current().split(":")[0]));
  }

  @Test
  void secretFilesAreAbsentInsideTheContainerAndBackAfterwards() throws IOException {
    Path worktree = Files.createDirectories(dir.resolve("worktree"));
    Files.createDirectories(worktree.resolve("sub"));
    Files.writeString(worktree.resolve(".env"), "TOKEN=original\n");
    Files.writeString(worktree.resolve(".envrc"), "export A=1\n");
    Files.writeString(worktree.resolve("sub/.npmrc"), "token\n");
    Files.writeString(worktree.resolve("sub/credentials.json"), "{}\n");
    Files.writeString(worktree.resolve("README"), "readable\n");
    String command =
        "for f in .env .envrc sub/.npmrc sub/credentials.json; do"
            + " [ -e \"$f\" ] && echo \"vis\"\"ible: $f\"; done\n"
            + "cat README\n"
            + "echo 'TOKEN=agent' > .env\n"
            + "[ -n \"$FQ_TEST_TOKEN\" ] && echo token-is-\"\"set\n"
            + "[ -z \"$PATH_FROM_WORKER\" ] && echo nothing-else-\"\"passed\n";

    SandboxResult result = sandbox.run(run(command, worktree, Map.of()));

    assertThat(result.exitCode()).as("exit code; log:\n%s", log(result)).isZero();
    assertThat(log(result))
        .as("log")
        .doesNotContain("visible:")
        .contains("readable", "token-is-set", "nothing-else-passed")
        .doesNotContain(TOKEN_VALUE);
    assertThat(Files.readString(worktree.resolve(".env")))
        .as("the secret file after the run")
        .isEqualTo("TOKEN=original\n");
    assertThat(worktree.resolve("sub/credentials.json")).as("restored").exists();
    assertThat(worktree.resolve("sub/.npmrc")).as("restored").exists();
  }

  @Test
  void readOnlyRootFileSystemLeavesTheWorkspaceAndTmpWritable() throws IOException {
    Path worktree = Files.createDirectories(dir.resolve("worktree"));
    try (DockerSandbox readOnly =
        DockerSandbox.connect(
            DockerSandboxConfig.defaults(docker.host()).withReadOnlyRootFs(true),
            WorkerId.parse(workerId),
            TestDocker.BUSYBOX_IMAGE,
            Map.of())) {
      SandboxResult result =
          readOnly.run(
              run(
                  "touch /etc-write 2>/dev/null && echo root-\"\"writable\n"
                      + "echo x > \"$HOME/h\" && echo x > /workspace/w && echo writ\"\"able",
                  worktree,
                  Map.of()));

      assertThat(result.exitCode()).as("exit code; log:\n%s", log(result)).isZero();
      assertThat(log(result)).as("log").contains("writable").doesNotContain("root-writable");
      assertThat(worktree.resolve("w")).as("file written in /workspace").exists();
    }
  }

  @Test
  void taskFileIsFoundAtItsPlaceInsideTheWorkspace() throws IOException {
    Path worktree = Files.createDirectories(dir.resolve("worktree"));
    Files.createDirectories(worktree.resolve(".fleetq"));
    Files.writeString(worktree.resolve(".fleetq/TASK.md"), "the assignment\n");

    SandboxResult result =
        sandbox.run(
            run(
                "cat \"$FLEETQ_TASK_FILE\"",
                worktree,
                Map.of("FLEETQ_TASK_FILE", worktree.resolve(".fleetq/TASK.md").toString())));

    assertThat(result.exitCode()).as("exit code; log:\n%s", log(result)).isZero();
    assertThat(log(result)).as("log").contains("the assignment");
  }

  // Expected words are split with "" in the commands, since the log's first line shows the command.
  private SandboxRun run(String command, Path worktree, Map<String, String> environment) {
    return new SandboxRun(
        command,
        worktree,
        environment,
        List.of("FQ_TEST_TOKEN", "PATH_FROM_WORKER"),
        Duration.ofSeconds(60),
        dir.resolve("logs/agent.log"),
        dir.resolve("scratch"));
  }

  private static String log(SandboxResult result) throws IOException {
    return Files.readString(result.logFile());
  }
}
