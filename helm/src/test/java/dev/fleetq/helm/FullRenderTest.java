package dev.fleetq.helm;

import static dev.fleetq.helm.ContainerEnv.containerOf;
import static dev.fleetq.helm.ContainerEnv.names;
import static dev.fleetq.helm.ContainerEnv.variable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart rendered with ci/full-values.yaml: every feature on, KEDA as the autoscaler. */
class FullRenderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The names values.schema.json refuses in agent.env, for they look like secrets. */
  private static final Pattern SECRET_LOOKING =
      Pattern.compile("TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|CREDENTIAL|PRIVATE_KEY");

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = FleetqChart.renderFullValues();
  }

  @Test
  void everyDocumentParsesAsItsKindsTypedModelWithNoUnknownField() {
    RenderedKinds.assertAllKnownAndClean(manifests);
  }

  @Test
  void theCoordinatorReadsTheApiTokensOfTheUsersSecret() {
    Volume tokens =
        manifests.coordinator().getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(volume -> volume.getName().equals("api-token"))
            .findFirst()
            .orElseThrow();

    assertThat(tokens.getSecret().getSecretName()).as("token secret").isEqualTo("fleetq-api");
    assertThat(variable(containerOf(manifests.coordinator()), "FLEETQ_API_TOKEN_FILE").getValue())
        .as("FLEETQ_API_TOKEN_FILE")
        .isEqualTo("/etc/fleetq/api/bearer");
  }

  @Test
  void everyOptionalResourceIsRenderedAndNoSecretSinceTheTokensAreTheUsers() {
    assertThat(manifests.kinds())
        .as("rendered kinds")
        .contains(
            "ScaledObject",
            "ServiceMonitor",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "ConfigMap",
            "ServiceAccount")
        .doesNotContain("Secret", "HorizontalPodAutoscaler");
  }

  @Test
  void agentSecretsAndTheRedisUriComeOnlyFromSecretReferences() {
    Container worker = containerOf(manifests.worker());

    assertThat(secretRef(variable(worker, "ANTHROPIC_API_KEY")))
        .as("ANTHROPIC_API_KEY source")
        .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
        .containsExactly("agent-keys", "anthropic");
    assertThat(secretRef(variable(worker, "OPENAI_API_KEY")))
        .as("OPENAI_API_KEY source")
        .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
        .containsExactly("agent-keys", "openai");
    for (Deployment deployment : List.of(manifests.coordinator(), manifests.worker())) {
      Container container = containerOf(deployment);
      assertThat(secretRef(variable(container, "FLEETQ_REDIS_URI")))
          .as("%s FLEETQ_REDIS_URI source", container.getName())
          .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
          .containsExactly("fleetq-redis", "uri");
    }
    assertThat(manifests.named(ConfigMap.class, FleetqChart.name("config")).getData())
        .as("config map")
        .doesNotContainKey("FLEETQ_REDIS_URI");
    assertThat(variable(worker, "AGENT_MODEL").getValue())
        .as("non-secret agent variable")
        .isEqualTo("claude-sonnet");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coordinator", "worker"})
  void gitCredentialsAreMountedReadOnlyAndServeAsGitsCredentialHelper(String component) {
    Deployment deployment =
        component.equals("worker") ? manifests.worker() : manifests.coordinator();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = containerOf(deployment);

    assertThat(pod.getVolumes())
        .as("%s volumes", component)
        .filteredOn(volume -> volume.getName().equals("git-credentials"))
        .singleElement()
        .satisfies(
            volume ->
                assertThat(volume.getSecret().getSecretName())
                    .as("%s credentials secret", component)
                    .isEqualTo("fleetq-git"));
    assertThat(container.getVolumeMounts())
        .as("%s credential mount", component)
        .filteredOn(mount -> mount.getName().equals("git-credentials"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(tuple("/etc/fleetq/git", true));
    assertThat(variable(container, "GIT_CONFIG_KEY_0").getValue())
        .as("%s git config key", component)
        .isEqualTo("credential.helper");
    assertThat(variable(container, "GIT_CONFIG_VALUE_0").getValue())
        .as("%s git credential helper", component)
        .isEqualTo("store --file=/etc/fleetq/git/.git-credentials");
  }

  @Test
  void kedaScalesWorkersOnPendingUnitsAndTheDeploymentLeavesReplicasToIt() {
    GenericKubernetesResource scaler =
        manifests.untyped("ScaledObject", FleetqChart.name("worker"));
    Map<String, Object> trigger = scaler.get("spec", "triggers", 0);
    Map<String, Object> metadata = scaler.get("spec", "triggers", 0, "metadata");

    String target = scaler.get("spec", "scaleTargetRef", "name");
    Integer min = scaler.get("spec", "minReplicaCount");
    Integer max = scaler.get("spec", "maxReplicaCount");
    Integer stabilization =
        scaler.get(
            "spec",
            "advanced",
            "horizontalPodAutoscalerConfig",
            "behavior",
            "scaleDown",
            "stabilizationWindowSeconds");

    assertThat(target).as("scale target").isEqualTo(FleetqChart.name("worker"));
    assertThat(min).as("min").isEqualTo(0);
    assertThat(max).as("max").isEqualTo(32);
    assertThat(trigger).as("trigger").containsEntry("type", "prometheus");
    assertThat(metadata)
        .as("trigger metadata")
        .containsEntry("query", "sum(fleetq_units_pending)")
        .containsEntry("threshold", "3")
        .containsEntry("serverAddress", "http://prometheus-operated.monitoring.svc:9090");
    assertThat(stabilization).as("scale-down stabilization").isEqualTo(600);
    assertThat(manifests.worker().getSpec().getReplicas()).as("worker replicas").isNull();
  }

  @Test
  void executorsServeOnlySuiteRunsWithoutTheAgentsSecretsAndScaleOnWaitingSuiteRuns() {
    Container executor = containerOf(manifests.executor());
    GenericKubernetesResource scaler =
        manifests.untyped("ScaledObject", FleetqChart.name("executor"));
    Map<String, Object> metadata = scaler.get("spec", "triggers", 0, "metadata");
    String target = scaler.get("spec", "scaleTargetRef", "name");

    assertThat(executor.getArgs()).as("executor args").containsExactly("executor");
    assertThat(variable(executor, "FLEETQ_SUITE_SLOTS").getValue())
        .as("FLEETQ_SUITE_SLOTS")
        .isEqualTo("2");
    assertThat(variable(containerOf(manifests.worker()), "FLEETQ_SUITE_SLOTS").getValue())
        .as("the workers' suite slots, with executors apart")
        .isEqualTo("0");
    assertThat(names(containerOf(manifests.worker())))
        .as("worker environment")
        .contains("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "AGENT_MODEL");
    assertThat(names(executor))
        .as("executor environment: no agent.envFromSecrets, no agent.env")
        .doesNotContain("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "AGENT_MODEL");
    assertThat(target).as("scale target").isEqualTo(FleetqChart.name("executor"));
    assertThat(metadata)
        .as("trigger metadata")
        .containsEntry("query", "sum(fleetq_suite_runs_waiting)")
        .containsEntry("threshold", "2");
    assertThat(manifests.executor().getSpec().getReplicas()).as("executor replicas").isNull();
  }

  @Test
  void hpaScalesWorkersOnTheExternalPendingUnitsMetric() {
    Manifests withHpa =
        Manifests.parse(
            FleetqChart.templateWithFullValues()
                .set("autoscaling.keda.enabled", false)
                .set("autoscaling.hpa.enabled", true)
                .set("autoscaling.minReplicas", 1)
                .call());
    RenderedKinds.assertAllKnownAndClean(withHpa);
    HorizontalPodAutoscaler hpa =
        withHpa.named(HorizontalPodAutoscaler.class, FleetqChart.name("worker"));
    MetricSpec metric = hpa.getSpec().getMetrics().get(0);

    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .as("scale target")
        .isEqualTo(FleetqChart.name("worker"));
    assertThat(hpa.getSpec().getMinReplicas()).as("min").isEqualTo(1);
    assertThat(hpa.getSpec().getMaxReplicas()).as("max").isEqualTo(32);
    assertThat(hpa.getSpec().getMetrics()).as("metrics").hasSize(1);
    assertThat(metric.getType()).as("metric type").isEqualTo("External");
    assertThat(metric.getExternal().getMetric().getName())
        .as("metric name")
        .isEqualTo("fleetq_units_pending");
    assertThat(metric.getExternal().getTarget().getType())
        .as("target type")
        .isEqualTo("AverageValue");
    assertThat(metric.getExternal().getTarget().getAverageValue())
        .as("target average")
        .isEqualTo(new Quantity("3"));
    assertThat(withHpa.untyped("ScaledObject"))
        .as("scaled objects")
        .extracting(resource -> resource.getMetadata().getName())
        .containsExactly(FleetqChart.name("executor"));
    assertThat(withHpa.worker().getSpec().getReplicas()).as("worker replicas").isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coordinator, http", "worker, metrics", "executor, metrics"})
  void serviceMonitorsScrapeTheCoordinatorAndEveryWorker(String component, String port) {
    GenericKubernetesResource monitor =
        manifests.untyped("ServiceMonitor", FleetqChart.name(component));
    Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
    Map<String, Object> selector = monitor.get("spec", "selector", "matchLabels");
    Map<String, String> serviceLabels =
        manifests.named(Service.class, FleetqChart.name(component)).getMetadata().getLabels();

    assertThat(endpoint)
        .as("%s endpoint", component)
        .containsEntry("port", port)
        .containsEntry("path", "/metrics")
        .containsEntry("interval", "15s");
    assertThat(serviceLabels)
        .as("%s service labels", component)
        .containsAllEntriesOf(cast(selector));
    assertThat(monitor.getMetadata().getLabels())
        .as("%s monitor labels", component)
        .containsEntry("release", "kube-prometheus-stack");
  }

  @Test
  void workersHaveAPercentageDisruptionBudget() {
    PodDisruptionBudget budget =
        manifests.named(PodDisruptionBudget.class, FleetqChart.name("worker"));

    assertThat(budget.getSpec().getMaxUnavailable())
        .as("maxUnavailable")
        .isEqualTo(new IntOrString("25%"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "coordinator, http, fleetq-clients",
    "worker, metrics, monitoring",
    "executor, metrics, monitoring"
  })
  void networkPoliciesAdmitOnlyTheServedPortAndLeaveEgressOpen(
      String component, String port, String namespace) {
    NetworkPolicy policy = manifests.named(NetworkPolicy.class, FleetqChart.name(component));
    Deployment deployment = manifests.named(Deployment.class, FleetqChart.name(component));

    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .as("%s policy selector", component)
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes())
        .as("%s policy types (no Egress)", component)
        .containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress())
        .as("%s ingress rules", component)
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .as("%s admitted ports", component)
                  .singleElement()
                  .satisfies(
                      admitted ->
                          assertThat(admitted.getPort())
                              .as("%s port", component)
                              .isEqualTo(new IntOrString(port)));
              assertThat(sourceNamespaces(rule))
                  .as("%s admitted namespaces", component)
                  .containsExactly(namespace);
            });
  }

  @Test
  void dashboardConfigMapIsLabelledForTheSidecarAndHoldsTheDashboardFile() throws IOException {
    ConfigMap dashboard = manifests.named(ConfigMap.class, FleetqChart.name("dashboard"));
    JsonNode rendered = JSON.readTree(dashboard.getData().get("fleetq.json"));
    List<String> expressions = new ArrayList<>();
    rendered.findValues("expr").forEach(expr -> expressions.add(expr.asText()));

    assertThat(dashboard.getMetadata().getLabels())
        .as("dashboard labels")
        .containsEntry("grafana_dashboard", "1");
    assertThat(rendered)
        .as("rendered dashboard")
        .isEqualTo(JSON.readTree(FleetqChart.DASHBOARD.toFile()));
    assertThat(rendered.path("panels").size()).as("panels").isGreaterThanOrEqualTo(5);
    assertThat(String.join("\n", expressions))
        .as("panel queries")
        .contains(
            "rate(fleetq_units_landed_total",
            "by (worker)",
            "fleetq_units_pending",
            "fleetq_gate_verdicts_total",
            "by (outcome)",
            "histogram_quantile(0.5, sum by (le) (rate(fleetq_claim_latency_seconds_bucket",
            "histogram_quantile(0.99, sum by (le) (rate(fleetq_claim_latency_seconds_bucket",
            "fleetq_unit_duration_seconds_bucket");
  }

  @Test
  void chartDashboardIsACopyOfTheCanonicalInfraDashboard() throws IOException {
    Path canonical = Path.of("..", "infra", "grafana", "dashboards", "fleetq.json");

    assertThat(Files.readString(FleetqChart.DASHBOARD))
        .as("helm/fleetq/dashboards/fleetq.json against %s", canonical)
        .isEqualTo(Files.readString(canonical));
  }

  @Test
  void workerEnvironmentHasNoInlineValueUnderASecretLookingName() {
    List<EnvVar> inline =
        containerOf(manifests.worker()).getEnv().stream()
            .filter(variable -> variable.getValue() != null)
            .filter(variable -> SECRET_LOOKING.matcher(variable.getName()).find())
            .toList();

    assertThat(inline).as("inline secret-looking variables").isEmpty();
    assertThat(names(containerOf(manifests.worker())))
        .as("worker variables")
        .contains("ANTHROPIC_API_KEY", "OPENAI_API_KEY");
  }

  private static SecretKeySelector secretRef(EnvVar variable) {
    assertThat(variable.getValue()).as("%s inline value", variable.getName()).isNull();
    return variable.getValueFrom().getSecretKeyRef();
  }

  private static List<String> sourceNamespaces(NetworkPolicyIngressRule rule) {
    return rule.getFrom().stream()
        .map(
            peer -> peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> cast(Map<String, Object> labels) {
    return (Map<String, String>) (Map<String, ?>) labels;
  }
}
