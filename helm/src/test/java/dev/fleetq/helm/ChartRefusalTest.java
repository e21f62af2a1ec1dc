package dev.fleetq.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;

/** Values the chart must refuse, each with a message that says what to fix. */
class ChartRefusalTest {

  @Test
  void templateFailsNamingKafkaBootstrapServersWhenItIsMissing() {
    TemplateCommand template =
        new Helm(FleetqChart.DIR)
            .template()
            .withName(FleetqChart.RELEASE)
            .set("redis.uri", "redis://redis.data:6379");

    assertThatThrownBy(template::call)
        .as("render without kafka.bootstrapServers")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at '/kafka/bootstrapServers': minLength: got 0, want 1");
  }

  @Test
  void templateFailsNamingRedisWhenNeitherUriNorSecretIsSet() {
    TemplateCommand template =
        new Helm(FleetqChart.DIR)
            .template()
            .withName(FleetqChart.RELEASE)
            .set("kafka.bootstrapServers", "kafka.data:9092");

    assertThatThrownBy(template::call)
        .as("render without redis")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at '/redis': 'anyOf' failed");
  }

  @Test
  void templateFailsWhenBothAutoscalersAreOn() {
    TemplateCommand template =
        FleetqChart.templateWithDefaults()
            .set("autoscaling.keda.enabled", true)
            .set("autoscaling.hpa.enabled", true);

    assertThatThrownBy(template::call)
        .as("render with KEDA and HPA")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "autoscaling.keda.enabled and autoscaling.hpa.enabled are both true:"
                + " enable at most one autoscaler for the workers");
  }

  @Test
  void templateFailsWhenTheHpaWouldScaleToZero() {
    TemplateCommand template =
        FleetqChart.templateWithDefaults()
            .set("autoscaling.hpa.enabled", true)
            .set("autoscaling.minReplicas", 0);

    assertThatThrownBy(template::call)
        .as("render with an HPA and minReplicas 0")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("autoscaling.minReplicas must be at least 1 with autoscaling.hpa");
  }

  @Test
  void templateFailsWhenNoPodWouldRunTheSuites() {
    TemplateCommand template = FleetqChart.templateWithDefaults().set("worker.suiteSlots", 0);

    assertThatThrownBy(template::call)
        .as("render with workers that serve no suite runs and no executors")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "worker.suiteSlots is 0 and executor.enabled is false: no pod would run the"
                + " planner's and the gate's test suites");
  }

  @Test
  void templateFailsWhenTerminationGraceDoesNotExceedShutdownGrace() {
    TemplateCommand template =
        FleetqChart.templateWithDefaults()
            .set("worker.shutdownGraceSeconds", 120)
            .set("worker.terminationGracePeriodSeconds", 120);

    assertThatThrownBy(template::call)
        .as("render with equal graces")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "worker.terminationGracePeriodSeconds (120) must exceed"
                + " worker.shutdownGraceSeconds (120)");
  }

  @Test
  void schemaRefusesReplicasThatAreNotANumber() {
    TemplateCommand template = FleetqChart.templateWithDefaults().set("worker.replicas", "three");

    assertThatThrownBy(template::call)
        .as("render with replicas: three")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at '/worker/replicas': got string, want integer");
  }

  @Test
  void schemaRefusesAMisspeltKey() {
    TemplateCommand template = FleetqChart.templateWithDefaults().set("worker.replica", 3);

    assertThatThrownBy(template::call)
        .as("render with worker.replica")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at '/worker': additional properties 'replica' not allowed");
  }

  @Test
  void schemaRefusesAnInlineValueForAnAgentSecret() {
    TemplateCommand template =
        FleetqChart.templateWithDefaults()
            .set("agent.envFromSecrets[0].name", "ANTHROPIC_API_KEY")
            .set("agent.envFromSecrets[0].value", "sk-inline");

    assertThatThrownBy(template::call)
        .as("render with an inline agent secret")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("additional properties 'value' not allowed")
        .hasMessageContaining("missing properties 'secretName', 'key'");
  }

  @Test
  void schemaRefusesASecretLookingPlainAgentVariable() {
    TemplateCommand template =
        FleetqChart.templateWithDefaults().set("agent.env.GITHUB_TOKEN", "ghp-inline");

    assertThatThrownBy(template::call)
        .as("render with agent.env.GITHUB_TOKEN")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("invalid propertyName 'GITHUB_TOKEN'");
  }

  @Test
  void schemaRefusesARedisUriWithAPasswordWithoutEchoingIt() {
    TemplateCommand template =
        FleetqChart.templateWithDefaults().set("redis.uri", "redis://:hunter2@redis.data:6379");

    assertThatThrownBy(template::call)
        .as("render with a password in redis.uri")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at '/redis/uri'")
        .message()
        .as("error message")
        .doesNotContain("hunter2");
  }
}
