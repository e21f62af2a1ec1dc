package dev.fleetq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The worker's Docker flags become the sandbox's configuration, with the same defaults. */
class DockerOptionsTest {
  private static final String HOST = "unix:///run/fleetq-test/docker.sock";

  @Test
  void flagsLeftOutGiveTheSandboxsOwnDefaults() {
    DockerSandboxConfig config = parse("--docker-host", HOST).config();

    assertThat(config)
        .as("configuration from the flags' defaults")
        .isEqualTo(DockerSandboxConfig.defaults(HOST));
  }

  @Test
  void everyFlagReachesTheConfiguration() {
    DockerOptions options =
        parse(
            "--docker-host",
            HOST,
            "--agent-image",
            "acme/agent:2",
            "--agent-networks",
            "none,agents-egress",
            "--agent-cpus",
            "1.5",
            "--agent-memory",
            "512m",
            "--agent-pids",
            "64",
            "--agent-read-only",
            "--agent-secrets-dir",
            "/run/fleetq-secrets");

    DockerSandboxConfig config = options.config();

    assertThat(options.image()).as("default image").isEqualTo("acme/agent:2");
    assertThat(config.networks()).as("networks").containsExactlyInAnyOrder("none", "agents-egress");
    assertThat(config.nanoCpus()).as("nano CPUs").isEqualTo(1_500_000_000L);
    assertThat(config.memoryBytes()).as("memory").isEqualTo(512L << 20);
    assertThat(config.pidsLimit()).as("pids").isEqualTo(64);
    assertThat(config.readOnlyRootFs()).as("read-only root").isTrue();
    assertThat(config.secretsDir()).as("secrets").isEqualTo(Path.of("/run/fleetq-secrets"));
  }

  @Test
  void anEmptyEngineAddressRunsAgentsAsLocalProcesses() {
    assertThat(parse("--docker-host=").config()).as("configuration without an engine").isNull();
  }

  @Test
  void aMemorySizeThatIsNoSizeIsRefusedNamingTheFlag() {
    assertThatThrownBy(() -> parse("--docker-host", HOST, "--agent-memory", "lots").config())
        .as("--agent-memory lots")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--agent-memory must be bytes or a number with k, m or g");
  }

  private static DockerOptions parse(String... args) {
    WorkerCommand command = new WorkerCommand();
    new CommandLine(command).parseArgs(args);
    return command.docker;
  }
}
