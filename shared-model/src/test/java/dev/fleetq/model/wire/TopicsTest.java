package dev.fleetq.model.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void defaultTopicsAreTheDocumentedNames() {
    assertThat(Topics.DEFAULT.all())
        .as("topics")
        .containsExactly(
            "fleetq.jobs",
            "fleetq.units",
            "fleetq.events",
            "fleetq.gate",
            "fleetq.dlq",
            "fleetq.suites",
            "fleetq.suite-results");
    assertThat(Topics.DEFAULT.workerShareGroup()).as("share group").isEqualTo("fleetq-workers");
    assertThat(Topics.DEFAULT.executorShareGroup())
        .as("executors' share group")
        .isEqualTo("fleetq-executors");
  }

  @Test
  void testPrefixGivesItsOwnTopicsAndShareGroup() {
    Topics topics = new Topics("t-3f9a.");

    assertThat(topics.units()).as("units topic").isEqualTo("t-3f9a.units");
    assertThat(topics.workerShareGroup()).as("share group").isEqualTo("t-3f9a.fleetq-workers");
    assertThat(topics.executorShareGroup())
        .as("executors' share group")
        .isEqualTo("t-3f9a.fleetq-executors");
  }

  @Test
  void prefixThatKafkaWouldRefuseIsRefused() {
    assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new Topics("a b.")))
        .as("prefix with a space")
        .isNotNull();
  }
}
