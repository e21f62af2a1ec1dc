package dev.fleetq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {
  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: probe
      spec:
        %s
        selector:
          matchLabels:
            app: probe
        template:
          metadata:
            labels:
              app: probe
          spec:
            containers:
              - name: main
                image: busybox
                resources:
                  requests:
                    memory: 1Gi
                %s
      """;

  @Test
  void deploymentWithOnlyKnownFieldsHasNone() {
    Deployment deployment =
        Serialization.unmarshal(
            DEPLOYMENT.formatted(
                "replicas: 1", "readinessProbe: {httpGet: {path: /readyz, port: 80}}"),
            Deployment.class);

    assertThat(UnknownFields.in(deployment)).as("unknown fields").isEmpty();
  }

  @Test
  void misspeltFieldDeepInThePodSpecIsReportedWithItsPath() {
    Deployment deployment =
        Serialization.unmarshal(
            DEPLOYMENT.formatted(
                "replica: 1", "readinesProbe: {httpGet: {path: /readyz, port: 80}}"),
            Deployment.class);

    assertThat(UnknownFields.in(deployment))
        .as("unknown fields")
        .containsExactlyInAnyOrder(
            ".spec: [replica]", ".spec.template.spec.containers[0]: [readinesProbe]");
  }
}
