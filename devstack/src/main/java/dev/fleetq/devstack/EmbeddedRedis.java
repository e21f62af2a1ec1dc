package dev.fleetq.devstack;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} child process on a random loopback port, without persistence, for {@code
 * fleetq local}, {@code fleetq demo} and every test.
 *
 * <p>It runs the {@code redis-server} installed on the PATH, or the binary bundled in the {@code
 * embedded-redis} jar where none is installed. {@link #stop()} and {@link #restart()} keep the
 * port, so that connected clients reconnect to the same address, which is how tests show a client
 * riding out a Redis outage. The process is killed on {@link #close()} and, through a shutdown
 * hook, when the JVM exits, so that no server outlives its owner (short of a SIGKILL of the JVM).
 *
 * <p>Thread-safe: the lifecycle methods are synchronized.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
  private static final int MAX_PORT_ATTEMPTS = 3;
  private static final String HOST = "127.0.0.1";

  private final EmbeddedRedisConfig config;
  private final ScratchDirectory scratch;
  private final Path executable;
  private final Thread shutdownHook;
  private int port;
  private boolean portFixed;
  private boolean closed;

  /** Read without the lock by the shutdown hook, which must not wait for a busy lifecycle call. */
  private volatile Process process;

  private EmbeddedRedis(EmbeddedRedisConfig config, ScratchDirectory scratch, Path executable) {
    this.config = config;
    this.scratch = scratch;
    this.executable = executable;
    this.port = FreePorts.pick();
    this.shutdownHook = new Thread(this::kill, "fleetq-redis-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Prepares a server on a free port, in its own temporary directory; it is not started yet. */
  public static EmbeddedRedis create(EmbeddedRedisConfig config) {
    ScratchDirectory scratch = ScratchDirectory.create("fleetq-redis-");
    try {
      return new EmbeddedRedis(
          config, scratch, RedisExecutable.resolve(config.binary(), scratch.path()));
    } catch (RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  /**
   * Starts the server and waits until it answers PING; does nothing if it runs already, and starts
   * it again on the same port if it died.
   *
   * @throws DevStackException if it does not answer within the startup timeout
   */
  public synchronized EmbeddedRedis start() {
    if (closed) {
      throw new IllegalStateException("this Redis server is closed");
    }
    if (process != null && process.isAlive()) {
      return this;
    }
    Deadline deadline = Deadline.after(config.startupTimeout());
    for (int attempt = 1; ; attempt++) {
      Optional<Process> started = launch(deadline);
      if (started.isPresent()) {
        process = started.get();
        portFixed = true;
        log.info(
            "Redis ready on {} in {} ms ({})", uri(), deadline.elapsed().toMillis(), executable);
        return this;
      }
      if (portFixed || attempt == MAX_PORT_ATTEMPTS) {
        throw new DevStackException(
            "redis-server exited at start on port " + port + "; see " + logFile());
      }
      port = FreePorts.pick();
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after the shutdown timeout); the port is kept. */
  public synchronized void stop() {
    Process running = process;
    if (running == null) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("redis-server on port {} ignored SIGTERM; killing it", port);
        running
            .destroyForcibly()
            .waitFor(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      process = null;
    }
  }

  /** Stops the server and starts it again on the same port; its data is gone (no persistence). */
  public synchronized EmbeddedRedis restart() {
    stop();
    return start();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The server's process while it runs. */
  Optional<ProcessHandle> processHandle() {
    return Optional.ofNullable(process).map(Process::toHandle);
  }

  /** The port, the same for the server's whole life once it has started. */
  public synchronized int port() {
    return port;
  }

  /** The address for Redis clients, such as {@code redis://127.0.0.1:40123}. */
  public synchronized String uri() {
    return "redis://" + HOST + ":" + port;
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting and the hook kills the process anyway.
    }
    scratch.close();
  }

  /** Starts the process and waits for PONG; empty if it exited first, such as for a taken port. */
  private Optional<Process> launch(Deadline deadline) {
    Process started = spawn();
    while (!RedisPing.answers(port)) {
      if (!started.isAlive()) {
        return Optional.empty();
      }
      if (deadline.hasPassed()) {
        started.destroyForcibly();
        throw new DevStackException(
            "redis-server on port " + port + " did not answer within " + deadline.timeout());
      }
      pause();
    }
    return Optional.of(started);
  }

  private Process spawn() {
    Path dir = config.dataDir().orElse(scratch.path());
    List<String> command =
        List.of(
            executable.toString(),
            "--port",
            Integer.toString(port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            config.dataDir().isPresent() ? "yes" : "no",
            "--appendfsync",
            "always",
            "--daemonize",
            "no",
            "--dir",
            dir.toString());
    try {
      Files.createDirectories(scratch.path());
      Files.createDirectories(dir);
      return new ProcessBuilder(command)
          .directory(scratch.path().toFile())
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(logFile().toFile()))
          .start();
    } catch (IOException e) {
      throw new DevStackException("cannot run " + executable, e);
    }
  }

  private Path logFile() {
    return scratch.path().resolve("redis.log");
  }

  private void kill() {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("interrupted while waiting for redis-server", e);
    }
  }
}
