package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.state.RedisKeys;
import dev.fleetq.model.wire.Topics;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  private final WorkerConfig defaults =
      WorkerConfig.defaults(
          WorkerId.parse("w1"), "localhost:9092", "redis://localhost:6379", Path.of("work"));

  @Test
  void defaultsAreTheNamedConstants() {
    assertThat(defaults.slots()).as("slots").isEqualTo(WorkerConfig.DEFAULT_SLOTS);
    assertThat(defaults.suiteSlots()).as("suite slots").isEqualTo(1);
    assertThat(defaults.withSuiteSlots(0).suiteSlots()).as("no suite slots").isZero();
    assertThat(defaults.topics()).as("topics").isEqualTo(Topics.DEFAULT);
    assertThat(defaults.keys()).as("keys").isEqualTo(RedisKeys.DEFAULT);
    assertThat(defaults.heartbeatInterval()).as("heartbeat").isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.lockWatchdogTimeout()).as("watchdog").isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.workDir()).as("work dir").isAbsolute();
    assertThat(defaults.identity().email()).as("identity").isEqualTo("w1@fleetq.invalid");
  }

  @Test
  void nonsenseIsRefusedWithTheFieldsName() {
    assertThatThrownBy(() -> defaults.withSlots(-1))
        .as("negative slots")
        .hasMessageContaining("slots");
    assertThat(defaults.withSlots(0).slots()).as("an executor only").isZero();
    assertThatThrownBy(() -> defaults.withSlots(0).withSuiteSlots(0))
        .as("neither units nor suites")
        .hasMessageContaining("a slot or a suite slot");
    assertThatThrownBy(() -> defaults.withSuiteSlots(-1))
        .as("negative suite slots")
        .hasMessageContaining("suiteSlots");
    assertThatThrownBy(() -> defaults.withSuiteSlots(WorkerConfig.MAX_SLOTS + 1))
        .as("too many suite slots")
        .hasMessageContaining("suiteSlots");
    assertThatThrownBy(() -> defaults.withHeartbeat(Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .as("a heartbeat that expires before it is renewed")
        .hasMessageContaining("heartbeatTtl");
    assertThatThrownBy(() -> defaults.withLockWatchdogTimeout(Duration.ZERO))
        .as("zero watchdog timeout")
        .hasMessageContaining("lockWatchdogTimeout");
    assertThatThrownBy(() -> defaults.withShutdownGrace(Duration.ofSeconds(-1)))
        .as("negative grace")
        .hasMessageContaining("shutdownGrace");
  }
}
