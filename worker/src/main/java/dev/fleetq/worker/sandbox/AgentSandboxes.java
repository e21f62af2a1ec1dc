package dev.fleetq.worker.sandbox;

import dev.fleetq.exec.sandbox.Sandbox;
import java.util.Objects;

/**
 * Chooses where each unit's agent runs: in the job's image ({@code AgentSpec.image}) when it names
 * one, else in the worker's default image when it has one, in a container of the {@link
 * DockerSandbox}; otherwise in the local sandbox (a child process). A worker without a Docker
 * engine cannot run a job that names an image, and says so.
 *
 * <p>Immutable and thread-safe.
 */
public final class AgentSandboxes {
  private final Sandbox local;
  private final DockerSandbox docker;
  private final String defaultImage;

  /**
   * @param local where agents run when no image applies
   * @param docker where agents run in containers, or null when the worker has no engine
   * @param defaultImage the image of agents whose job names none, or null to run those locally
   */
  public AgentSandboxes(Sandbox local, DockerSandbox docker, String defaultImage) {
    this.local = Objects.requireNonNull(local, "local");
    this.docker = docker;
    this.defaultImage = defaultImage;
    if (defaultImage != null && docker == null) {
      throw new IllegalArgumentException(
          "a default image (" + defaultImage + ") needs a Docker sandbox to run it in");
    }
  }

  /** Agents always run in {@code local}. */
  public static AgentSandboxes local(Sandbox local) {
    return new AgentSandboxes(local, null, null);
  }

  /**
   * The sandbox for an agent whose job names {@code jobImage}, or null.
   *
   * @throws IllegalStateException if an image applies and this worker has no Docker engine
   */
  public Sandbox forImage(String jobImage) {
    String image = jobImage != null ? jobImage : defaultImage;
    if (image == null) {
      return local;
    }
    if (docker == null) {
      throw new IllegalStateException(
          "the job runs its agent in the image "
              + image
              + ", but this worker has no Docker engine");
    }
    return image.equals(docker.image()) ? docker : docker.withImage(image);
  }

  /** Removes the containers an earlier run of this worker left; nothing without an engine. */
  public int sweep() {
    return docker == null ? 0 : docker.sweep();
  }
}
