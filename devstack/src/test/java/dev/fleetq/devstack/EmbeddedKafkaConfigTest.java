package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaConfigTest {

  @Test
  void defaultsUseATemporaryDirectoryAndKafkasRecordLock() {
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults();

    assertThat(config.dataDir()).as("data dir").isEmpty();
    assertThat(config.shareRecordLockDuration())
        .as("share record lock")
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void recordLockShorterThanTheBrokerMinimumIsRejected() {
    assertThatThrownBy(
            () ->
                EmbeddedKafkaConfig.defaults().withShareRecordLockDuration(Duration.ofMillis(999)))
        .as("a 999 ms record lock")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shareRecordLockDuration");
  }

  @Test
  void zeroStartupTimeoutIsRejectedRatherThanMeaningDefault() {
    assertThatThrownBy(
            () ->
                new EmbeddedKafkaConfig(
                    Optional.empty(),
                    EmbeddedKafkaConfig.DEFAULT_SHARE_RECORD_LOCK_DURATION,
                    Optional.empty(),
                    Duration.ZERO,
                    EmbeddedKafkaConfig.DEFAULT_SHUTDOWN_TIMEOUT))
        .as("a zero startup timeout")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startupTimeout");
  }
}
