package dev.fleetq.exec.sandbox;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxRunTest {
  private static final Path ABSOLUTE = Path.of("/tmp/fleetq");

  @Test
  void rejectsABlankCommand() {
    assertThatThrownBy(() -> run(" ", ABSOLUTE, Duration.ofSeconds(1)))
        .as("error for a blank command")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command");
  }

  @Test
  void rejectsARelativeWorkdir() {
    assertThatThrownBy(() -> run("true", Path.of("worktree"), Duration.ofSeconds(1)))
        .as("error for a relative workdir")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workdir must be an absolute path, got worktree");
  }

  @Test
  void rejectsATimeoutThatIsNotPositive() {
    assertThatThrownBy(() -> run("true", ABSOLUTE, Duration.ZERO))
        .as("error for a zero timeout")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
  }

  private static SandboxRun run(String command, Path workdir, Duration timeout) {
    return new SandboxRun(
        command, workdir, Map.of(), List.of(), timeout, ABSOLUTE.resolve("log"), ABSOLUTE);
  }
}
