package dev.fleetq.exec.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleRepoTest {
  private final Git git =
      new Git(new Git.Identity("t", "t@fleetq.invalid"), Duration.ofSeconds(30));
  private final ProcessSandbox sandbox = new ProcessSandbox();

  @Test
  void suiteFailsOnTheFailingTestsAndPassesOnceTheAgentFixedThem(@TempDir Path dir)
      throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir, 2, 1);
    Path clone = dir.resolve("clone");
    git.run(dir, "clone", "--quiet", repo.url(), clone.toString());

    SandboxResult before = run(clone, ExampleRepo.TEST_COMMAND, Map.of(), dir);
    String report = Files.readString(clone.resolve("reports/TEST-example.xml"));

    assertThat(before.exitCode()).as("suite exit status with failing tests").isEqualTo(1);
    assertThat(report)
        .as("report")
        .contains(
            "name=\"t01\"><failure message=\"expected fixed-01 in src/f01.txt, got broken-01\"")
        .contains("<testcase classname=\"example.tests\" name=\"t03\"/>");

    ScriptedAgent agent = ScriptedAgent.fixer(dir.resolve("agent"));
    SandboxResult fixed =
        run(
            clone,
            agent.command(),
            Map.of(
                "FLEETQ_TARGET_TESTS",
                ExampleRepo.testId(1) + " " + ExampleRepo.testId(2),
                "FLEETQ_ATTEMPT",
                "1"),
            dir);
    SandboxResult after = run(clone, ExampleRepo.TEST_COMMAND, Map.of(), dir);

    assertThat(fixed.succeeded()).as("agent succeeded").isTrue();
    assertThat(after.exitCode()).as("suite exit status after the fix").isZero();
    assertThat(git.run(clone, "status", "--porcelain"))
        .as("what the agent changed (reports are ignored)")
        .isEqualTo(" M src/f01.txt\n M src/f02.txt");
  }

  private SandboxResult run(Path workdir, String command, Map<String, String> env, Path dir) {
    return sandbox.run(
        new SandboxRun(
            command,
            workdir,
            env,
            List.of(),
            Duration.ofSeconds(30),
            dir.resolve("log.txt"),
            dir.resolve("scratch")));
  }
}
