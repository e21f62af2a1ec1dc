package dev.fleetq.worker.sandbox;

import dev.fleetq.exec.sandbox.Sandbox;
import dev.fleetq.model.job.AgentSpec;
import java.util.Objects;

/**
 * Chooses where each unit's agent runs: in the job's image ({@code AgentSpec.image}) when it names
 * one, else in the worker's default image when it has one, in a container of the {@link
 * DockerSandbox}, on the job's network ({@code AgentSpec.network}) if the operator allows it there;
 * otherwise in the local sandbox (a child process, on the worker's own network). A worker without a
 * Docker engine cannot run a job that names an image, and says so. A suite run takes the same
 * choice of image (the job's, which its request names, else the default), so a job's tests run
 * where its agents do.
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
   * The sandbox for {@code agent}: a container of its image, or of the default image, on its
   * network; or the local sandbox when no image applies.
   *
   * @throws SandboxUnavailableException if an image applies and this worker has no Docker engine,
   *     or the agent's network is not allowed here
   */
  public Sandbox forAgent(AgentSpec agent) {
    String image = agent.image() != null ? agent.image() : defaultImage;
    if (image == null) {
      return local;
    }
    return inImage(image, "the job runs its agent in the image " + image + ", but")
        .withNetwork(agent.network());
  }

  /**
   * The sandbox for a suite run whose request names {@code image} (the job's agent image), or none:
   * a container of that image, or of the default image, on the container's own network; or the
   * local sandbox when no image applies.
   *
   * @throws SandboxUnavailableException if an image applies and this worker has no Docker engine
   */
  public Sandbox forSuite(String image) {
    String chosen = image != null ? image : defaultImage;
    if (chosen == null) {
      return local;
    }
    return inImage(chosen, "the suite runs in the image " + chosen + ", but");
  }

  private DockerSandbox inImage(String image, String why) {
    if (docker == null) {
      throw new SandboxUnavailableException(
          why + " this worker has no Docker engine (fleetq worker --docker-host)");
    }
    return image.equals(docker.image()) ? docker : docker.withImage(image);
  }

  /** Removes the containers an earlier run of this worker left; nothing without an engine. */
  public int sweep() {
    return docker == null ? 0 : docker.sweep();
  }
}
