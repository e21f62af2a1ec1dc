package dev.fleetq.exec.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTest {
  private final Git git =
      new Git(new Git.Identity("fleetq test", "test@fleetq.invalid"), Duration.ofSeconds(30));

  @Test
  void commitsAsTheConfiguredIdentity(@TempDir Path dir) throws Exception {
    git.run(dir, "init", "-q", "-b", "main");
    Files.writeString(dir.resolve("a.txt"), "a\n");
    git.run(dir, "add", "a.txt");
    git.run(dir, "commit", "-q", "-m", "first");

    assertThat(git.run(dir, "log", "-1", "--format=%an <%ae> / %cn <%ce>"))
        .as("author and committer")
        .isEqualTo("fleetq test <test@fleetq.invalid> / fleetq test <test@fleetq.invalid>");
  }

  @Test
  void failedCommandNamesTheCommandTheDirectoryAndWhatGitSaid(@TempDir Path dir) {
    assertThatThrownBy(() -> git.run(dir, "rev-parse", "--verify", "HEAD"))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("git rev-parse --verify HEAD")
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("not a git repository")
        .satisfies(e -> assertThat(((GitException) e).exitCode()).as("exit code").isEqualTo(128));
  }

  @Test
  void expectedFailureIsReturnedAsAValue(@TempDir Path dir) throws Exception {
    git.run(dir, "init", "-q", "-b", "main");
    Files.writeString(dir.resolve("f.txt"), "base\n");
    git.run(dir, "add", "f.txt");
    git.run(dir, "commit", "-q", "-m", "base");
    git.run(dir, "checkout", "-q", "-b", "other");
    Files.writeString(dir.resolve("f.txt"), "other\n");
    git.run(dir, "commit", "-q", "-am", "other");
    git.run(dir, "checkout", "-q", "main");
    Files.writeString(dir.resolve("f.txt"), "main\n");
    git.run(dir, "commit", "-q", "-am", "main");

    GitResult merge = git.tryRun(dir, "merge", "--no-edit", "other");

    assertThat(merge.succeeded()).as("conflicting merge succeeded").isFalse();
    assertThat(merge.stdout()).as("merge output").contains("CONFLICT");
  }

  @Test
  void commandPastItsTimeoutIsKilledAndReported(@TempDir Path dir) {
    Git impatient = new Git(new Git.Identity("t", "t@fleetq.invalid"), Duration.ofMillis(500));

    assertThatThrownBy(() -> impatient.run(dir, "-c", "alias.nap=!sleep 30", "nap"))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("timed out after PT0.5S");
  }

  @Test
  void missingDirectoryIsReportedBeforeGitRuns(@TempDir Path dir) {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> git.run(missing, "status"))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("no such directory");
  }
}
