package dev.fleetq.devstack;

import dev.fleetq.devstack.EmbeddedKafkaConfig.Ports;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM on
 * random loopback ports, for {@code fleetq local}, {@code fleetq demo} and every test.
 *
 * <p>Share groups (KIP-932) work out of the box, with a broker minimum record lock of one second so
 * that tests can use short locks. Topics are never created automatically. The broker keeps its log
 * in the configured data directory across restarts, or in a temporary directory that {@link
 * #close()} deletes.
 *
 * <p>Thread-safe: {@link #bootstrapServers()} may be called from any thread, and {@link #close()}
 * is idempotent. A JVM shutdown hook closes a broker that was not closed.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int MAX_START_ATTEMPTS = 3;
  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final Optional<ScratchDirectory> scratch;
  private final Duration readyAfter;
  private final Duration shutdownTimeout;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(
      KafkaRaftServer server,
      String bootstrapServers,
      Path dataDir,
      Optional<ScratchDirectory> scratch,
      Duration readyAfter,
      Duration shutdownTimeout) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.scratch = scratch;
    this.readyAfter = readyAfter;
    this.shutdownTimeout = shutdownTimeout;
    this.shutdownHook = new Thread(this::close, "fleetq-kafka-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Formats the data directory if it is new, starts the broker and waits until it answers a client.
   *
   * @throws DevStackException if the broker does not answer within the startup timeout
   */
  public static EmbeddedKafka start(EmbeddedKafkaConfig config) {
    QuietKafkaLogging.applyDefaults();
    Deadline deadline = Deadline.after(config.startupTimeout());
    Optional<ScratchDirectory> scratch =
        config.dataDir().isPresent()
            ? Optional.empty()
            : Optional.of(ScratchDirectory.create("fleetq-kafka-"));
    Path dataDir = config.dataDir().orElseGet(() -> scratch.orElseThrow().path());
    try {
      return startOnFreePorts(config, dataDir, scratch, deadline);
    } catch (RuntimeException e) {
      scratch.ifPresent(ScratchDirectory::close);
      throw e;
    }
  }

  /** The {@code bootstrap.servers} value for clients, such as {@code 127.0.0.1:40123}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Where the broker keeps its log. */
  public Path dataDir() {
    return dataDir;
  }

  /** How long start took until the broker answered a client. */
  public Duration readyAfter() {
    return readyAfter;
  }

  /** Stops the broker within the shutdown timeout and deletes a temporary data directory. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    removeShutdownHook();
    stop(server, Deadline.after(shutdownTimeout));
    scratch.ifPresent(ScratchDirectory::close);
  }

  private static EmbeddedKafka startOnFreePorts(
      EmbeddedKafkaConfig config,
      Path dataDir,
      Optional<ScratchDirectory> scratch,
      Deadline deadline) {
    for (int attempt = 1; ; attempt++) {
      int brokerPort = config.ports().map(Ports::broker).orElseGet(FreePorts::pick);
      int controllerPort =
          config
              .ports()
              .map(Ports::controller)
              .orElseGet(() -> FreePorts.pickOtherThan(brokerPort));
      KafkaConfig kafkaConfig =
          new KafkaConfig(BrokerProperties.of(dataDir, brokerPort, controllerPort, config), false);
      StorageFormat.formatIfNew(dataDir);
      KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
      String bootstrap = BrokerProperties.HOST + ":" + brokerPort;
      try {
        startServer(server, deadline);
        awaitAnswer(bootstrap, deadline);
        Duration readyAfter = deadline.elapsed();
        log.info("Kafka broker ready on {} in {} ms", bootstrap, readyAfter.toMillis());
        return new EmbeddedKafka(
            server, bootstrap, dataDir, scratch, readyAfter, config.shutdownTimeout());
      } catch (RuntimeException e) {
        stop(server, Deadline.after(config.shutdownTimeout()));
        if (!isPortTaken(e) || config.ports().isPresent() || attempt == MAX_START_ATTEMPTS) {
          throw e;
        }
        log.warn(
            "Kafka port {} or {} was taken; retrying on new ports", brokerPort, controllerPort);
      }
    }
  }

  private static void startServer(KafkaRaftServer server, Deadline deadline) {
    BoundedCall.run("fleetq-kafka-startup", server::startup, deadline, "start the Kafka broker");
  }

  private static void awaitAnswer(String bootstrap, Deadline deadline) {
    int timeoutMs = (int) Math.max(1, deadline.remaining().toMillis());
    Map<String, Object> adminConfig =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            AdminClientConfig.CLIENT_ID_CONFIG,
            "fleetq-devstack-readiness",
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            timeoutMs,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            Math.min(timeoutMs, 5_000));
    Admin admin = Admin.create(adminConfig);
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
          .nodes()
          .get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new DevStackException(
          "the Kafka broker on " + bootstrap + " did not answer within " + deadline.timeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("interrupted while waiting for the Kafka broker", e);
    } finally {
      admin.close(ADMIN_CLOSE_TIMEOUT);
    }
  }

  private static void stop(KafkaRaftServer server, Deadline deadline) {
    try {
      BoundedCall.run(
          "fleetq-kafka-shutdown",
          () -> {
            server.shutdown();
            server.awaitShutdown();
          },
          deadline,
          "stop the Kafka broker");
    } catch (RuntimeException e) {
      log.warn("Kafka broker did not stop cleanly", e);
    }
  }

  private static boolean isPortTaken(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Already running inside the shutdown hook, which is this very call.
    }
  }
}
