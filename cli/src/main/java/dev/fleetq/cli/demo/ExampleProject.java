package dev.fleetq.cli.demo;

import dev.fleetq.exec.git.Git;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The demo's example: a small Java library with failing tests, copied out of the jar and committed
 * as the initial {@code main} of a bare origin, plus the scripted agent that fixes it. Needs only a
 * JDK and git. Not thread-safe; owned by the demo's main thread.
 */
final class ExampleProject {
  static final String TEST_COMMAND = "./run-tests.sh";
  static final String REPORT_GLOB = "reports/*.xml";
  static final Duration GIT_TIMEOUT = Duration.ofSeconds(30);

  private static final String RESOURCES = "/demo/";
  private static final List<String> EXAMPLE_FILES =
      List.of("README.md", "run-tests.sh", "src/Calc.java", "test/CalcTests.java");
  private static final List<String> AGENT_FILES = List.of("demo-agent.sh", "fixes.txt");
  private static final Git GIT =
      new Git(new Git.Identity("fleetq demo", "demo@fleetq.invalid"), GIT_TIMEOUT);

  private final Path origin;
  private final Path agentScript;

  private ExampleProject(Path origin, Path agentScript) {
    this.origin = origin;
    this.agentScript = agentScript;
  }

  /** Writes the example and its agent under {@code dir} and pushes the example to a bare origin. */
  static ExampleProject create(Path dir) {
    try {
      Path work = Files.createDirectories(dir.resolve("calc-work"));
      Path origin = Files.createDirectories(dir.resolve("calc.git"));
      Path agent = Files.createDirectories(dir.resolve("agent"));
      for (String file : EXAMPLE_FILES) {
        copy("example/" + file, work.resolve(file));
      }
      copy("example/gitignore", work.resolve(".gitignore"));
      for (String file : AGENT_FILES) {
        copy("agent/" + file, agent.resolve(file));
      }
      executable(work.resolve("run-tests.sh"));
      executable(agent.resolve("demo-agent.sh"));
      GIT.run(origin, "init", "--quiet", "--bare", "--initial-branch=main");
      GIT.run(work, "init", "--quiet", "--initial-branch=main");
      GIT.run(work, "add", "--all");
      GIT.run(work, "commit", "--quiet", "-m", "Calc: a small library with failing tests");
      GIT.run(work, "push", "--quiet", origin.toUri().toString(), "main");
      return new ExampleProject(origin, agent.resolve("demo-agent.sh"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A failing-tests job for this example, in JSON, as a user would write it. */
  String failingTestsJob(String jobId) {
    return """
        {
          "id": "%s",
          "repo": {"url": "%s", "branch": "main"},
          "plan": {"kind": "failing-tests", "testCommand": "%s", "reportGlobs": ["%s"],
                   "timeout": "PT2M"},
          "agent": {"command": "sh %s", "timeout": "PT2M", "maxAttempts": 3}
        }
        """
        .formatted(jobId, origin.toUri(), TEST_COMMAND, REPORT_GLOB, agentScript);
  }

  /** {@code git log --oneline} of main in the origin, newest first. */
  List<String> mainLog() {
    return GIT.run(origin, "log", "--oneline", "main").lines().toList();
  }

  private static void copy(String resource, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (InputStream in = ExampleProject.class.getResourceAsStream(RESOURCES + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing demo resource " + resource);
      }
      Files.copy(in, target);
    }
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
