package dev.fleetq.worker.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calls the sandbox makes to one Docker engine, each bounded. Request-response calls go through
 * a client whose every response must arrive within the call timeout; the two streams that last as
 * long as the agent (its exit status and its output) go through a second client without that bound
 * and are bounded by the agent's own timeout instead, since a quiet agent must not break them.
 *
 * <p>Thread-safe: docker-java's clients are, and each call uses its own connection.
 */
final class DockerEngine implements AutoCloseable {
  private static final int MAX_CONNECTIONS = 64;
  private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"([^\"]*)\"");

  private final DockerClient calls;
  private final DockerClient streams;
  private final Duration callTimeout;

  DockerEngine(String dockerHost, Duration callTimeout) {
    this.callTimeout = callTimeout;
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    this.calls = client(config, builder -> builder.responseTimeout(callTimeout));
    this.streams = client(config, Function.identity());
  }

  private DockerClient client(
      DefaultDockerClientConfig config,
      Function<ApacheDockerHttpClient.Builder, ApacheDockerHttpClient.Builder> bound) {
    ApacheDockerHttpClient http =
        bound
            .apply(
                new ApacheDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost())
                    .sslConfig(config.getSSLConfig())
                    .maxConnections(MAX_CONNECTIONS)
                    .connectionTimeout(callTimeout))
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  /** Throws unless the engine answers within the call timeout. */
  void ping() {
    calls.pingCmd().exec();
  }

  /** Creates a container as {@code spec} describes; returns its id. */
  String create(String image, Function<CreateContainerCmd, CreateContainerCmd> spec) {
    return spec.apply(calls.createContainerCmd(image)).exec().getId();
  }

  void start(String id) {
    calls.startContainerCmd(id).exec();
  }

  /**
   * Waits up to {@code timeout} for the container to stop; returns its exit status, or empty if it
   * is still running.
   *
   * @throws InterruptedException if the calling thread is interrupted while it waits
   */
  OptionalInt await(String id, Duration timeout) throws InterruptedException {
    try (WaitContainerResultCallback callback =
        streams.waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
      if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(
          callback.awaitStatusCode(callTimeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException("could not close the wait for container " + id, e);
    }
  }

  /** Starts copying the container's output, from its start, to {@code sink} until it stops. */
  ResultCallback.Adapter<Frame> followLogs(String id, Consumer<byte[]> sink) {
    return streams
        .logContainerCmd(id)
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(true)
        .exec(
            new ResultCallback.Adapter<>() {
              @Override
              public void onNext(Frame frame) {
                sink.accept(frame.getPayload());
              }
            });
  }

  /** Whether the engine killed the container for going over its memory limit. */
  boolean oomKilled(String id) {
    InspectContainerResponse.ContainerState state = calls.inspectContainerCmd(id).exec().getState();
    return state != null && Boolean.TRUE.equals(state.getOOMKilled());
  }

  /** Kills and removes the container, with its anonymous volumes; nothing if it is gone already. */
  void remove(String id) {
    try {
      calls.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // Already gone.
    }
  }

  /** The ids of every container, running or not, that carries all of these labels. */
  List<String> labelled(Map<String, String> labels) {
    return calls.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
        .map(Container::getId)
        .toList();
  }

  /** The engine's own words, such as {@code network agents not found}, without the JSON. */
  static String message(DockerException e) {
    String text = String.valueOf(e.getMessage());
    Matcher message = MESSAGE.matcher(text);
    return message.find() ? message.group(1) : text.strip();
  }

  @Override
  public void close() {
    try {
      calls.close();
      streams.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not close the Docker clients", e);
    }
  }
}
