package dev.fleetq.worker.testing;

import static org.junit.jupiter.api.Assumptions.abort;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real Docker engine for tests, found through {@code DOCKER_HOST}; a test that needs one is
 * skipped, saying why, when there is none. Test images are built locally, since none can be pulled:
 * {@link #BUSYBOX_IMAGE} is a root file system of the static {@code busybox} and a link for each of
 * its commands, built {@code FROM scratch}.
 *
 * <p>Thread-safe.
 */
public final class TestDocker implements AutoCloseable {
  /** The image the tests run agents in. */
  public static final String BUSYBOX_IMAGE = "fleetq-test-busybox:1";

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<Path> BUSYBOX =
      List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"));

  private final String host;
  private final DockerClient client;

  private TestDocker(String host, DockerClient client) {
    this.host = host;
    this.client = client;
  }

  /**
   * The engine at {@code DOCKER_HOST}, with {@link #BUSYBOX_IMAGE} built; aborts the calling test
   * when there is no engine or no static busybox to build the image from.
   */
  public static TestDocker engineOrSkip() {
    String host = System.getenv("DOCKER_HOST");
    if (host == null || host.isBlank()) {
      abort("DOCKER_HOST is not set, so there is no Docker engine to run containers in");
    }
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    DockerClient client =
        DockerClientImpl.getInstance(
            config,
            new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(TIMEOUT)
                .build());
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      abort("no Docker engine answers at DOCKER_HOST=" + host + ": " + e);
    }
    TestDocker docker = new TestDocker(host, client);
    docker.buildBusyboxImage();
    return docker;
  }

  /** The engine's address, as {@code DOCKER_HOST} gives it. */
  public String host() {
    return host;
  }

  /** The raw client, for what the sandbox does not do: leftovers, inspection. */
  public DockerClient client() {
    return client;
  }

  /** The ids of the containers, running or not, that carry this label. */
  public List<String> containersLabelled(String label, String value) {
    return client
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(label, value))
        .exec()
        .stream()
        .map(Container::getId)
        .toList();
  }

  /** Starts a long-running container with these labels, as a crashed worker would leave one. */
  public String startLeftover(Map<String, String> labels) {
    String id =
        client
            .createContainerCmd(BUSYBOX_IMAGE)
            .withCmd("sleep", "300")
            .withLabels(labels)
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
            .exec()
            .getId();
    client.startContainerCmd(id).exec();
    return id;
  }

  /** Removes the containers that carry this label, whatever a failed test left. */
  public void removeLabelled(String label, String value) {
    for (String id : containersLabelled(label, value)) {
      client.removeContainerCmd(id).withForce(true).exec();
    }
  }

  private synchronized void buildBusyboxImage() {
    try {
      client.inspectImageCmd(BUSYBOX_IMAGE).exec();
      return;
    } catch (NotFoundException e) {
      // Not built yet.
    }
    Path busybox = BUSYBOX.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (busybox == null) {
      abort("no static busybox (Debian busybox-static) to build the test image from");
    }
    try {
      Path root = Files.createTempDirectory("fleetq-busybox-root");
      Path bin = Files.createDirectories(root.resolve("bin"));
      Files.createDirectories(root.resolve("tmp"));
      Files.createDirectories(root.resolve("workspace"));
      Files.copy(busybox, bin.resolve("busybox"));
      for (String applet : run(busybox.toString(), "--list").split("\n")) {
        if (!applet.isBlank() && !applet.equals("busybox")) {
          Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
        }
      }
      Path context = Files.createTempDirectory("fleetq-busybox-context");
      run("tar", "-C", root.toString(), "-cf", context.resolve("rootfs.tar").toString(), ".");
      Path dockerfile =
          Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\n");
      client
          .buildImageCmd()
          .withBaseDirectory(context.toFile())
          .withDockerfile(dockerfile.toFile())
          .withTags(Set.of(BUSYBOX_IMAGE))
          .withPull(false)
          .exec(new BuildImageResultCallback())
          .awaitImageId(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      run("rm", "-rf", root.toString(), context.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("could not build " + BUSYBOX_IMAGE, e);
    }
  }

  private static String run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
