package dev.fleetq.coordinator.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gate's configuration checks its fields; {@code maxWait} zero means "do not wait". */
class GateConfigTest {
  @Test
  void maxWaitDefaultsToTheNamedConstantAndMayBeZero() {
    assertThat(GateConfig.defaults().maxWait())
        .as("default maxWait")
        .isEqualTo(GateConfig.DEFAULT_MAX_WAIT);
    assertThat(GateConfig.defaults().withMaxWait(Duration.ZERO).maxWait())
        .as("maxWait zero")
        .isZero();
  }

  @Test
  void negativeOrTooLongMaxWaitIsRefusedNamingTheField() {
    assertThatThrownBy(() -> GateConfig.defaults().withMaxWait(Duration.ofMillis(-1)))
        .as("negative maxWait")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxWait");
    assertThatThrownBy(
            () -> GateConfig.defaults().withMaxWait(GateConfig.MAX_MAX_WAIT.plusSeconds(1)))
        .as("maxWait above the limit")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxWait");
    assertThatThrownBy(() -> GateConfig.defaults().withMaxWait(null))
        .as("missing maxWait")
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxWait");
  }

  @Test
  void batchSizesOutOfOrderAreRefusedNamingTheField() {
    assertThat(GateConfig.defaults().withBatchSizes(2, 8).minBatch()).as("minBatch").isEqualTo(2);
    assertThatThrownBy(() -> GateConfig.defaults().withBatchSizes(0, 8))
        .as("minBatch zero")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("minBatch");
    assertThatThrownBy(() -> GateConfig.defaults().withBatchSizes(8, 4))
        .as("maxBatch below minBatch")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxBatch");
  }
}
