package dev.fleetq.helm;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * The documents of one {@code helm template} output, each parsed into fabric8's typed model by its
 * kind. Kinds without a fabric8 model here (the Prometheus Operator's ServiceMonitor, KEDA's
 * ScaledObject) and kinds the chart should never render stay {@link GenericKubernetesResource}.
 */
final class Manifests {
  /** The apiVersion and fabric8 type of every kind the chart may render. */
  record Kind(String apiVersion, Class<? extends HasMetadata> type) {}

  static final Map<String, Kind> KINDS =
      Map.of(
          "ConfigMap", new Kind("v1", ConfigMap.class),
          "Service", new Kind("v1", Service.class),
          "ServiceAccount", new Kind("v1", ServiceAccount.class),
          "Deployment", new Kind("apps/v1", Deployment.class),
          "HorizontalPodAutoscaler", new Kind("autoscaling/v2", HorizontalPodAutoscaler.class),
          "PodDisruptionBudget", new Kind("policy/v1", PodDisruptionBudget.class),
          "NetworkPolicy", new Kind("networking.k8s.io/v1", NetworkPolicy.class),
          "ServiceMonitor", new Kind("monitoring.coreos.com/v1", GenericKubernetesResource.class),
          "ScaledObject", new Kind("keda.sh/v1alpha1", GenericKubernetesResource.class));

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final Pattern COMMENT_LINE = Pattern.compile("(?m)^#.*$");

  private final List<HasMetadata> resources;

  private Manifests(List<HasMetadata> resources) {
    this.resources = List.copyOf(resources);
  }

  static Manifests parse(String rendered) {
    List<HasMetadata> resources = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(rendered)) {
      if (COMMENT_LINE.matcher(document).replaceAll("").isBlank()) {
        continue;
      }
      GenericKubernetesResource header =
          Serialization.unmarshal(document, GenericKubernetesResource.class);
      Kind kind = KINDS.get(header.getKind());
      resources.add(kind == null ? header : Serialization.unmarshal(document, kind.type()));
    }
    return new Manifests(resources);
  }

  List<HasMetadata> all() {
    return resources;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Resources of a kind fabric8 has no model for here, such as {@code ServiceMonitor}. */
  List<GenericKubernetesResource> untyped(String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(resource -> kind.equals(resource.getKind()))
        .toList();
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream()
        .filter(resource -> name.equals(resource.getMetadata().getName()))
        .findFirst()
        .orElseThrow(
            () -> new NoSuchElementException("no " + type.getSimpleName() + " named " + name));
  }

  GenericKubernetesResource untyped(String kind, String name) {
    return untyped(kind).stream()
        .filter(resource -> name.equals(resource.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no " + kind + " named " + name));
  }

  Deployment coordinator() {
    return named(Deployment.class, FleetqChart.name("coordinator"));
  }

  Deployment worker() {
    return named(Deployment.class, FleetqChart.name("worker"));
  }

  Deployment executor() {
    return named(Deployment.class, FleetqChart.name("executor"));
  }

  List<String> kinds() {
    return resources.stream().map(HasMetadata::getKind).toList();
  }
}
