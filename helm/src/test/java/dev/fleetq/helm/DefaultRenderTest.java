package dev.fleetq.helm;

import static dev.fleetq.helm.ContainerEnv.containerOf;
import static dev.fleetq.helm.ContainerEnv.variable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart rendered with its own defaults plus the two required addresses. */
class DefaultRenderTest {
  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = FleetqChart.renderDefaults();
  }

  @Test
  void everyDocumentParsesAsItsKindsTypedModelWithNoUnknownField() {
    RenderedKinds.assertAllKnownAndClean(manifests);
  }

  @Test
  void defaultsRenderTheCoreOnlyWithAFixedWorkerCount() {
    assertThat(manifests.kinds())
        .as("rendered kinds")
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ConfigMap",
            "Service",
            "Service",
            "Deployment",
            "Deployment",
            "PodDisruptionBudget");
    assertThat(manifests.worker().getSpec().getReplicas()).as("worker replicas").isEqualTo(2);
    assertThat(manifests.coordinator().getSpec().getReplicas())
        .as("coordinator replicas")
        .isEqualTo(1);
  }

  /**
   * The API token's Secret, when the chart makes it, is a pre-install hook: made once, not part of
   * the release's manifest (and so not in helm-java's template output; lint renders it).
   */
  @Test
  void noSecretIsRenderedInTheManifest() {
    assertThat(manifests.kinds()).as("rendered kinds").doesNotContain("Secret");
  }

  @Test
  void theCoordinatorReadsItsApiTokensFromTheSecretMountedReadOnly() {
    PodSpec pod = manifests.coordinator().getSpec().getTemplate().getSpec();
    Container coordinator = containerOf(manifests.coordinator());

    assertThat(variable(coordinator, "FLEETQ_API_TOKEN_FILE").getValue())
        .as("FLEETQ_API_TOKEN_FILE")
        .isEqualTo("/etc/fleetq/api/tokens");
    assertThat(pod.getVolumes())
        .as("coordinator volumes")
        .filteredOn(volume -> volume.getName().equals("api-token"))
        .singleElement()
        .satisfies(
            volume ->
                assertThat(volume.getSecret().getSecretName())
                    .as("token secret")
                    .isEqualTo(FleetqChart.name("api-token")));
    assertThat(coordinator.getVolumeMounts())
        .as("coordinator token mount")
        .filteredOn(mount -> mount.getName().equals("api-token"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(tuple("/etc/fleetq/api", true));
    assertThat(containerOf(manifests.worker()).getEnv())
        .as("worker env")
        .extracting(EnvVar::getName)
        .doesNotContain("FLEETQ_API_TOKEN_FILE");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coordinator, http, 8080", "worker, metrics, 9090"})
  void bothDeploymentsProbeHealthAndReadinessOnTheirNamedPort(
      String component, String portName, int port) {
    Container container = containerOf(deployment(component));

    assertThat(container.getPorts())
        .as("%s ports", component)
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .containsExactly(tuple(portName, port));
    assertProbe(container.getLivenessProbe(), component + " liveness", "/healthz", portName);
    assertProbe(container.getReadinessProbe(), component + " readiness", "/readyz", portName);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coordinator", "worker"})
  void bothContainersRunTheOneImageWithTheirRoleAsArgument(String component) {
    Container container = containerOf(deployment(component));

    assertThat(container.getImage()).as("%s image", component).isEqualTo("fleetq/fleetq:0.1.0");
    assertThat(container.getArgs()).as("%s args", component).containsExactly(component);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coordinator", "worker"})
  void bothContainersRequestCpuAndMemoryAndCapMemory(String component) {
    Container container = containerOf(deployment(component));
    Map<String, Quantity> requests = container.getResources().getRequests();
    Map<String, Quantity> limits = container.getResources().getLimits();

    assertThat(requests).as("%s requests", component).containsKeys("cpu", "memory");
    assertThat(limits).as("%s limits", component).containsKey("memory");
    assertThat(Quantity.getAmountInBytes(limits.get("memory")))
        .as("%s memory limit against request", component)
        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
  }

  @Test
  void everyResourceAndPodCarriesTheStandardLabels() {
    for (HasMetadata resource : manifests.all()) {
      String name = resource.getMetadata().getName();
      assertStandardLabels(resource.getMetadata().getLabels(), describe(resource));
      if (name.endsWith("-coordinator") || name.endsWith("-worker")) {
        assertThat(resource.getMetadata().getLabels())
            .as("%s component", describe(resource))
            .containsEntry(
                "app.kubernetes.io/component", name.substring(name.lastIndexOf('-') + 1));
      }
    }
    for (String component : List.of("coordinator", "worker")) {
      Map<String, String> podLabels =
          deployment(component).getSpec().getTemplate().getMetadata().getLabels();
      assertStandardLabels(podLabels, component + " pods");
      assertThat(podLabels)
          .as("%s pod component", component)
          .containsEntry("app.kubernetes.io/component", component);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coordinator", "worker"})
  void podsRunAsNonRootOnAReadOnlyRootFilesystemWithNoCapabilities(String component) {
    PodSpec pod = deployment(component).getSpec().getTemplate().getSpec();
    PodSecurityContext podSecurity = pod.getSecurityContext();
    SecurityContext containerSecurity = containerOf(deployment(component)).getSecurityContext();

    assertThat(podSecurity.getRunAsNonRoot()).as("%s runAsNonRoot", component).isTrue();
    assertThat(podSecurity.getRunAsUser()).as("%s runAsUser", component).isEqualTo(10001L);
    assertThat(podSecurity.getFsGroup()).as("%s fsGroup", component).isEqualTo(10001L);
    assertThat(podSecurity.getSeccompProfile().getType())
        .as("%s seccomp", component)
        .isEqualTo("RuntimeDefault");
    assertThat(containerSecurity.getReadOnlyRootFilesystem())
        .as("%s readOnlyRootFilesystem", component)
        .isTrue();
    assertThat(containerSecurity.getAllowPrivilegeEscalation())
        .as("%s allowPrivilegeEscalation", component)
        .isFalse();
    assertThat(containerSecurity.getCapabilities().getDrop())
        .as("%s dropped capabilities", component)
        .containsExactly("ALL");
    assertThat(pod.getAutomountServiceAccountToken())
        .as("%s mounts a service account token", component)
        .isFalse();
    assertThat(pod.getServiceAccountName())
        .as("%s service account", component)
        .isEqualTo(FleetqChart.RELEASE + "-fleetq");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coordinator", "worker"})
  void workspaceAndTmpAreWritableEmptyDirsSinceTheRootFilesystemIsReadOnly(String component) {
    PodSpec pod = deployment(component).getSpec().getTemplate().getSpec();
    Container container = containerOf(deployment(component));

    for (String volumeName : List.of("workspace", "tmp")) {
      Volume volume =
          pod.getVolumes().stream()
              .filter(candidate -> volumeName.equals(candidate.getName()))
              .findFirst()
              .orElseThrow();
      assertThat(volume.getEmptyDir())
          .as("%s %s is an emptyDir", component, volumeName)
          .isNotNull();
    }
    assertThat(container.getVolumeMounts())
        .as("%s mounts", component)
        .filteredOn(mount -> !Boolean.TRUE.equals(mount.getReadOnly()))
        .extracting(VolumeMount::getName, VolumeMount::getMountPath)
        .contains(tuple("workspace", "/workspace"), tuple("tmp", "/tmp"));
    assertThat(config().getData())
        .as("work dir given to the CLI")
        .containsEntry("FLEETQ_WORK_DIR", "/workspace");
  }

  @Test
  void workerTerminationGraceOutlastsItsShutdownGrace() {
    Deployment worker = manifests.worker();
    Long terminationGrace =
        worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    String shutdownGrace = variable(containerOf(worker), "FLEETQ_SHUTDOWN_GRACE").getValue();

    assertThat(shutdownGrace).as("FLEETQ_SHUTDOWN_GRACE").isEqualTo("PT90S");
    assertThat(terminationGrace).as("terminationGracePeriodSeconds").isEqualTo(120L);
    assertThat(Duration.ofSeconds(terminationGrace))
        .as("termination grace against shutdown grace")
        .isGreaterThan(Duration.parse(shutdownGrace));
  }

  @Test
  void sharedConfigComesFromOneConfigMapUnderTheNamesTheCliReads() {
    assertThat(config().getData())
        .as("config map")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "FLEETQ_KAFKA_BOOTSTRAP", "kafka.data:9092",
                "FLEETQ_REDIS_URI", "redis://redis.data:6379",
                "FLEETQ_TOPIC_PREFIX", "fleetq.",
                "FLEETQ_KEY_PREFIX", "fleetq:",
                "FLEETQ_WORK_DIR", "/workspace"));
    for (String component : List.of("coordinator", "worker")) {
      assertThat(containerOf(deployment(component)).getEnvFrom())
          .as("%s envFrom", component)
          .singleElement()
          .satisfies(
              source ->
                  assertThat(source.getConfigMapRef().getName())
                      .as("%s config map", component)
                      .isEqualTo(FleetqChart.name("config")));
    }
  }

  @Test
  void coordinatorIsToldItsHttpPort() {
    assertThat(variable(containerOf(manifests.coordinator()), "FLEETQ_HTTP_PORT").getValue())
        .as("FLEETQ_HTTP_PORT")
        .isEqualTo("8080");
  }

  @Test
  void workerIsNamedAfterItsPodAndToldItsSlotsAndMetricsPort() {
    Container worker = containerOf(manifests.worker());

    assertThat(variable(worker, "FLEETQ_WORKER_ID").getValueFrom().getFieldRef().getFieldPath())
        .as("FLEETQ_WORKER_ID field")
        .isEqualTo("metadata.name");
    assertThat(variable(worker, "FLEETQ_WORKER_SLOTS").getValue())
        .as("FLEETQ_WORKER_SLOTS")
        .isEqualTo("1");
    assertThat(variable(worker, "FLEETQ_SUITE_SLOTS").getValue())
        .as("FLEETQ_SUITE_SLOTS")
        .isEqualTo("1");
    assertThat(variable(worker, "FLEETQ_METRICS_PORT").getValue())
        .as("FLEETQ_METRICS_PORT")
        .isEqualTo("9090");
  }

  @Test
  void theApiHasAClusterIpServiceAndTheWorkersAHeadlessMetricsService() {
    Service api = manifests.named(Service.class, FleetqChart.name("coordinator"));
    Service workers = manifests.named(Service.class, FleetqChart.name("worker"));

    assertThat(api.getSpec().getType()).as("api service type").isEqualTo("ClusterIP");
    assertThat(api.getSpec().getPorts())
        .as("api service ports")
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getPort()).as("api port").isEqualTo(8080);
              assertThat(port.getTargetPort()).as("api target").isEqualTo(new IntOrString("http"));
            });
    assertThat(api.getSpec().getSelector())
        .as("api selector")
        .isEqualTo(manifests.coordinator().getSpec().getSelector().getMatchLabels());
    assertThat(workers.getSpec().getClusterIP()).as("worker service clusterIP").isEqualTo("None");
    assertThat(workers.getSpec().getPorts())
        .as("worker service ports")
        .singleElement()
        .satisfies(port -> assertThat(port.getName()).as("port name").isEqualTo("metrics"));
    assertThat(workers.getSpec().getSelector())
        .as("worker selector")
        .isEqualTo(manifests.worker().getSpec().getSelector().getMatchLabels());
  }

  @Test
  void workersHaveADisruptionBudgetOfOnePod() {
    PodDisruptionBudget budget =
        manifests.named(PodDisruptionBudget.class, FleetqChart.name("worker"));

    assertThat(budget.getSpec().getMaxUnavailable())
        .as("maxUnavailable")
        .isEqualTo(new IntOrString(1));
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .as("budget selector")
        .isEqualTo(manifests.worker().getSpec().getSelector().getMatchLabels());
  }

  private static Deployment deployment(String component) {
    return component.equals("worker") ? manifests.worker() : manifests.coordinator();
  }

  private static ConfigMap config() {
    return manifests.named(ConfigMap.class, FleetqChart.name("config"));
  }

  private static void assertProbe(Probe probe, String label, String path, String port) {
    assertThat(probe).as(label).isNotNull();
    assertThat(probe.getHttpGet().getPath()).as("%s path", label).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort()).as("%s port", label).isEqualTo(new IntOrString(port));
  }

  private static void assertStandardLabels(Map<String, String> labels, String what) {
    assertThat(labels)
        .as("%s labels", what)
        .containsEntry("app.kubernetes.io/name", "fleetq")
        .containsEntry("app.kubernetes.io/instance", FleetqChart.RELEASE)
        .containsEntry("app.kubernetes.io/version", "0.1.0")
        .containsEntry("app.kubernetes.io/managed-by", "Helm")
        .containsEntry("helm.sh/chart", "fleetq-0.1.0");
  }

  private static String describe(HasMetadata resource) {
    return resource.getMetadata().getName() + " (" + resource.getKind() + ")";
  }
}
