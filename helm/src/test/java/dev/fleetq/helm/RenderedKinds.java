package dev.fleetq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** Assertions every render must pass, whatever its values. */
final class RenderedKinds {
  private RenderedKinds() {}

  /**
   * Every document is a kind the chart is meant to render, at the apiVersion it is meant to use,
   * and every typed document parses with no field fabric8 does not know. ServiceMonitor and
   * ScaledObject have no typed model here; their tests check their fields one by one.
   */
  static void assertAllKnownAndClean(Manifests manifests) {
    assertThat(manifests.all()).as("rendered documents").isNotEmpty();
    for (HasMetadata resource : manifests.all()) {
      String what = resource.getKind() + " " + resource.getMetadata().getName();
      Manifests.Kind kind = Manifests.KINDS.get(resource.getKind());
      assertThat(kind).as("%s is a kind the chart may render", what).isNotNull();
      assertThat(resource.getApiVersion()).as("%s apiVersion", what).isEqualTo(kind.apiVersion());
      assertThat(resource).as("%s typed", what).isInstanceOf(kind.type());
      if (!(resource instanceof GenericKubernetesResource)) {
        assertThat(UnknownFields.in(resource)).as("%s unknown fields", what).isEmpty();
      }
    }
  }
}
