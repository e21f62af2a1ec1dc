package dev.fleetq.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.NoSuchElementException;

/** Reads a rendered container's environment. Stateless; thread-safe. */
final class ContainerEnv {
  private ContainerEnv() {}

  /** The only container of a Deployment's pods. */
  static Container containerOf(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    if (containers.size() != 1) {
      throw new IllegalStateException(
          deployment.getMetadata().getName() + " has " + containers.size() + " containers");
    }
    return containers.get(0);
  }

  static EnvVar variable(Container container, String name) {
    return container.getEnv().stream()
        .filter(variable -> name.equals(variable.getName()))
        .findFirst()
        .orElseThrow(
            () -> new NoSuchElementException(container.getName() + " has no variable " + name));
  }

  static List<String> names(Container container) {
    return container.getEnv().stream().map(EnvVar::getName).toList();
  }
}
