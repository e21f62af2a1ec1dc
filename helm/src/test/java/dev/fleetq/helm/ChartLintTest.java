package dev.fleetq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartLintTest {

  @Test
  void defaultValuesPassStrictLintOnceKafkaAndRedisAreSet(@TempDir Path workDir) {
    LintResult lint = FleetqChart.lintStrict(workDir, FleetqChart.valuesOf(FleetqChart.REQUIRED));

    assertThat(lint.isFailed()).as("lint failed; messages: %s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages())
        .as("errors and warnings")
        .noneMatch(message -> message.startsWith("[ERROR]") || message.startsWith("[WARNING]"));
  }

  @Test
  void fullValuesPassStrictLint(@TempDir Path workDir) {
    LintResult lint = FleetqChart.lintStrict(workDir, FleetqChart.fullValues());

    assertThat(lint.isFailed()).as("lint failed; messages: %s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages())
        .as("errors and warnings")
        .noneMatch(message -> message.startsWith("[ERROR]") || message.startsWith("[WARNING]"));
  }

  @Test
  void lintOfTheBareDefaultsNamesTheMissingKafkaAddress(@TempDir Path workDir) {
    LintResult lint = FleetqChart.lintStrict(workDir, FleetqChart.YAML.createObjectNode());

    assertThat(lint.isFailed()).as("lint failed").isTrue();
    assertThat(String.join("\n", lint.getMessages()))
        .as("lint messages")
        .contains("/kafka/bootstrapServers");
  }
}
