package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class QuietKafkaLoggingTest {

  @Test
  void kafkaLoggersWithoutAConfiguredLevelAreTurnedDownToWarn() {
    Logger kafka = (Logger) LoggerFactory.getLogger("kafka");
    kafka.setLevel(null);

    QuietKafkaLogging.applyDefaults();

    assertThat(kafka.getLevel()).as("level of the kafka logger").isEqualTo(Level.WARN);
  }

  @Test
  void anExplicitlyConfiguredLevelIsKept() {
    Logger stateChange = (Logger) LoggerFactory.getLogger("state.change.logger");
    Level before = stateChange.getLevel();
    stateChange.setLevel(Level.ERROR);
    try {
      QuietKafkaLogging.applyDefaults();

      assertThat(stateChange.getLevel()).as("level of state.change.logger").isEqualTo(Level.ERROR);
    } finally {
      stateChange.setLevel(before);
    }
  }
}
