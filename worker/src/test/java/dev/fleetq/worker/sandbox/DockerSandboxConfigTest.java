package dev.fleetq.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Docker sandbox's configuration refuses what would undo the container's isolation. */
class DockerSandboxConfigTest {
  private static final DockerSandboxConfig DEFAULTS =
      DockerSandboxConfig.defaults("unix:///var/run/docker.sock");

  @Test
  void onlyTheNoneNetworkIsAllowedUnlessTheOperatorSaysOtherwise() {
    assertThat(DEFAULTS.networks()).as("default networks").containsExactly("none");
    assertThat(DEFAULTS.withNetworks(Set.of("none", "agents-egress")).networks())
        .as("networks the operator allows")
        .containsExactlyInAnyOrder("none", "agents-egress");
  }

  @Test
  void theHostNetworkAndOtherContainersNamespacesCannotBeAllowed() {
    assertThatThrownBy(() -> DEFAULTS.withNetworks(Set.of("none", "host")))
        .as("allowing host")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("networks[host]: must not be host");
    assertThatThrownBy(() -> DEFAULTS.withNetworks(Set.of("container:abc")))
        .as("allowing another container's namespace")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("container:abc");
    assertThatThrownBy(() -> DEFAULTS.withNetworks(Set.of()))
        .as("allowing nothing")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void anEngineAddressThatIsNoDockerHostIsRefusedNamingIt() {
    assertThatThrownBy(() -> DockerSandboxConfig.defaults("bogus"))
        .as("a host without a scheme")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unix://PATH, tcp://HOST:PORT or npipe://PATH, got bogus");
    assertThat(DockerSandboxConfig.defaults("tcp://127.0.0.1:2375").dockerHost())
        .as("a TCP address")
        .isEqualTo("tcp://127.0.0.1:2375");
  }
}
