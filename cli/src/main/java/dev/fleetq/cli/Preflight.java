package dev.fleetq.cli;

import dev.fleetq.model.id.WorkerId;
import dev.fleetq.worker.sandbox.DockerSandbox;
import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Checks, before a deployable starts, that Kafka, Redis and, for a worker with containers, the
 * Docker engine answer, so that a wrong address ends in one sentence naming it rather than in a
 * client retrying forever or a stack trace.
 *
 * <p>Stateless and thread-safe.
 */
final class Preflight {
  /** The worker id that the Docker probe's containers would carry; it starts none. */
  private static final WorkerId PROBE = WorkerId.parse("fleetq-preflight");

  private Preflight() {}

  /** Throws {@link Unreachable} naming the address when the Kafka cluster does not answer. */
  static void requireKafka(String bootstrapServers, Duration timeout) {
    int millis = (int) timeout.toMillis();
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
            AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, millis);
    try (Admin admin = Admin.create(config)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(millis))
          .clusterId()
          .get(millis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new Unreachable(
          "cannot reach Kafka at " + bootstrapServers + " within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while reaching Kafka at " + bootstrapServers);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new Unreachable("cannot use Kafka at " + bootstrapServers + ": " + e.getMessage());
    }
  }

  /** Throws {@link Unreachable} naming the address when no Redis server answers a PING there. */
  static void requireRedis(String redisUri, Duration timeout) {
    URI uri = URI.create(redisUri);
    String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      // "+PONG", or "-NOAUTH" from a server that wants a password: either way Redis answers.
      if (first != '+' && first != '-') {
        throw new Unreachable("the server at " + host + ":" + port + " does not speak Redis");
      }
    } catch (IOException e) {
      throw new Unreachable("cannot reach Redis at " + host + ":" + port + ": " + e.getMessage());
    }
  }

  /**
   * Throws {@link Unreachable} naming the address when the Docker engine of {@code config} does not
   * answer a ping within {@code timeout}.
   */
  static void requireDocker(DockerSandboxConfig config, Duration timeout) {
    try (DockerSandbox probe =
        DockerSandbox.connect(config.withCallTimeout(timeout), PROBE, null)) {
      // Connecting pinged the engine.
    } catch (RuntimeException e) {
      throw new Unreachable(
          "cannot reach the Docker engine at "
              + config.dockerHost()
              + " within "
              + timeout.toSeconds()
              + " s ("
              + innermostMessage(e)
              + "); set --docker-host or FLEETQ_DOCKER_HOST, or leave both and DOCKER_HOST empty"
              + " to run agents as local processes");
    }
  }

  /** The message of the deepest cause, which names what failed without the class names above it. */
  private static String innermostMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null || message.isBlank()
        ? cause.getClass().getSimpleName()
        : message.strip();
  }

  /** A service that did not answer; the message is the whole story for the user. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }
}
