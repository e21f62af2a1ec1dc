package dev.fleetq.worker.sandbox;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import dev.fleetq.exec.sandbox.ProcessSandbox;
import dev.fleetq.exec.sandbox.Sandbox;
import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.AgentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an agent's command in a container of its own, one per run: its own file system (the image,
 * plus the worktree at {@code /workspace}), process tree, network namespace (the job's network,
 * {@code none} unless it asks for one the operator allows) and credentials, under CPU, memory and
 * process limits (see {@link ContainerSpec}). The worktree's secret files are moved out of it for
 * the run ({@link WorktreeSecrets}). The container's output is streamed to the run's log file
 * between a header and a footer line; the values of environment variables are never written
 * anywhere. When the command exits, times out or the calling thread is interrupted, the container
 * is killed and removed. Every container is labelled with the worker's id, so that {@link #sweep()}
 * at the worker's start removes what a crashed worker left behind.
 *
 * <p>The worker pulls no images: the image must be on the engine. The run's scratch directory holds
 * only the hidden secret files; the agent's {@code HOME} is the container's {@code /tmp}.
 *
 * <p>Thread-safe: each slot's thread runs its own container; the engine's clients are shared.
 */
public final class DockerSandbox implements Sandbox, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DockerSandbox.class);

  private final DockerEngine engine;
  private final ContainerSpec spec;
  private final DockerSandboxConfig config;
  private final String image;
  private final String network;
  private final boolean owner;

  private DockerSandbox(
      DockerEngine engine,
      ContainerSpec spec,
      DockerSandboxConfig config,
      String image,
      String network,
      boolean owner) {
    this.engine = engine;
    this.spec = spec;
    this.config = config;
    this.image = image;
    this.network = network;
    this.owner = owner;
  }

  /**
   * Connects to the engine and checks that it answers. Allow-listed variables come from this JVM's
   * environment.
   *
   * @param image the image that runs go into, until {@link #withImage} says otherwise; or null when
   *     every run names its image through {@link #withImage}
   * @throws RuntimeException if the engine does not answer within the call timeout
   */
  public static DockerSandbox connect(DockerSandboxConfig config, WorkerId worker, String image) {
    return connect(config, worker, image, System.getenv());
  }

  static DockerSandbox connect(
      DockerSandboxConfig config,
      WorkerId worker,
      String image,
      Map<String, String> workerEnvironment) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(worker, "worker");
    if (image != null) {
      requireImage(image);
    }
    DockerEngine engine = new DockerEngine(config.dockerHost(), config.callTimeout());
    try {
      engine.ping();
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    ContainerSpec spec = new ContainerSpec(config, worker.value(), workerEnvironment);
    return new DockerSandbox(engine, spec, config, image, AgentSpec.DEFAULT_NETWORK, true);
  }

  /** A sandbox that runs in another image through the same engine; closing it does nothing. */
  public DockerSandbox withImage(String image) {
    return new DockerSandbox(engine, spec, config, requireImage(image), network, false);
  }

  /**
   * A sandbox whose containers join {@code network}, as a job's {@code agent.network} asks; closing
   * it does nothing.
   *
   * @throws SandboxUnavailableException if the operator does not allow that network on this worker
   */
  public DockerSandbox withNetwork(String network) {
    Objects.requireNonNull(network, "network");
    if (!config.networks().contains(network)) {
      throw new SandboxUnavailableException(
          "the job asks for the network "
              + network
              + ", which this worker does not allow (allowed: "
              + String.join(", ", new TreeSet<>(config.networks()))
              + "; fleetq worker --agent-networks)");
    }
    return new DockerSandbox(engine, spec, config, image, network, false);
  }

  /** The image runs go into, or null if none was given yet. */
  public String image() {
    return image;
  }

  /** The network the containers join. */
  public String network() {
    return network;
  }

  /**
   * Kills and removes every container labelled with this worker's id: those a previous run of this
   * worker left when it crashed. Call it before taking work. Returns how many there were.
   */
  public int sweep() {
    int removed = 0;
    for (String id : engine.labelled(spec.workerLabels())) {
      engine.remove(id);
      removed++;
    }
    if (removed > 0) {
      log.warn("Removed {} containers left by an earlier run of this worker", removed);
    }
    return removed;
  }

  @Override
  public SandboxResult run(SandboxRun run) {
    check(run);
    if (image == null) {
      throw new IllegalStateException("no image to run " + run.command() + " in: use withImage");
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("not running " + run.command() + ": the worker is stopping");
    }
    WorktreeSecrets secrets =
        new WorktreeSecrets(run.workdir(), run.scratchDir().resolve("hidden-secrets"));
    try (ContainerLog logFile = ContainerLog.open(run.logFile())) {
      int hidden = secrets.hide();
      logFile.line(
          "# fleetq: running "
              + run.command()
              + " in a container of "
              + image
              + " on network "
              + network
              + (hidden > 0 ? " (" + hidden + " secret files hidden)" : ""));
      try {
        return inContainer(run, logFile);
      } catch (SandboxUnavailableException e) {
        logFile.line("# fleetq: " + e.getMessage());
        throw e;
      }
    } finally {
      secrets.restore();
    }
  }

  private SandboxResult inContainer(SandboxRun run, ContainerLog logFile) {
    String id = create(run);
    ResultCallback.Adapter<Frame> output = null;
    long started = System.nanoTime();
    try {
      start(id);
      output = engine.followLogs(id, logFile::write);
      log.debug("Running {} in container {} of {}", run.command(), shortId(id), image);
      OptionalInt status = engine.await(id, run.timeout());
      if (status.isEmpty()) {
        stop(id, output);
        logFile.line("# fleetq: timed out after " + run.timeout() + ", container removed");
        log.warn("{} timed out after {}; container removed", run.command(), run.timeout());
        return new SandboxResult(SandboxResult.KILLED, true, elapsed(started), run.logFile());
      }
      int exit = status.getAsInt();
      String cause = engine.oomKilled(id) ? " (killed: out of memory)" : "";
      drain(output);
      logFile.line("# fleetq: exit " + exit + cause + " after " + since(started));
      log.info("{} exited with {}{} after {}", run.command(), exit, cause, since(started));
      return new SandboxResult(exit, false, elapsed(started), run.logFile());
    } catch (InterruptedException e) {
      throw cancelled(run, id, output, logFile, started, e);
    } catch (RuntimeException e) {
      // An interrupt during a call to the engine closes its socket and surfaces as this.
      if (Thread.currentThread().isInterrupted()) {
        throw cancelled(run, id, output, logFile, started, e);
      }
      throw e;
    } finally {
      removeQuietly(id);
      closeQuietly(output);
    }
  }

  /**
   * The slot's thread was interrupted: removes the container with the interrupt status cleared,
   * since every call to the engine fails at once while it is set, then sets it again.
   */
  private CancellationException cancelled(
      SandboxRun run,
      String id,
      ResultCallback.Adapter<Frame> output,
      ContainerLog logFile,
      long started,
      Exception cause) {
    Thread.interrupted();
    try {
      engine.remove(id);
      if (output != null) {
        drain(output);
      }
      logFile.line("# fleetq: interrupted after " + since(started) + ", container removed");
      log.info("Removed the container of {}: the worker is stopping", run.command());
    } catch (RuntimeException e) {
      log.warn("Could not remove container {}; the next sweep will", shortId(id), e);
    } finally {
      Thread.currentThread().interrupt();
    }
    CancellationException cancelled =
        new CancellationException("interrupted; killed " + run.command());
    cancelled.initCause(cause);
    return cancelled;
  }

  private String create(SandboxRun run) {
    try {
      return engine.create(image, create -> spec.describe(create, run, network));
    } catch (NotFoundException e) {
      // The engine says which is missing: the image (the worker pulls none) or the network.
      throw unavailable("create", e);
    } catch (RuntimeException e) {
      if (!Thread.currentThread().isInterrupted()) {
        throw e;
      }
      // The container may exist without its id having reached us: find it by its labels.
      Thread.interrupted();
      try {
        engine.labelled(spec.labels(run)).forEach(engine::remove);
      } catch (RuntimeException removal) {
        e.addSuppressed(removal);
      } finally {
        Thread.currentThread().interrupt();
      }
      CancellationException cancelled =
          new CancellationException("interrupted while creating the container of " + run.command());
      cancelled.initCause(e);
      throw cancelled;
    }
  }

  /** Starts the container; the engine finds a missing network only now, not at creation. */
  private void start(String id) {
    try {
      engine.start(id);
    } catch (NotFoundException e) {
      throw unavailable("start", e);
    }
  }

  private SandboxUnavailableException unavailable(String step, NotFoundException e) {
    return new SandboxUnavailableException(
        "the Docker engine cannot "
            + step
            + " a container of "
            + image
            + " on network "
            + network
            + " (the worker pulls no images): "
            + DockerEngine.message(e),
        e);
  }

  private void stop(String id, ResultCallback.Adapter<Frame> output) {
    engine.remove(id);
    drain(output);
  }

  /** Waits, bounded, for the output stream to end, which it does when the container stops. */
  private void drain(ResultCallback.Adapter<Frame> output) {
    try {
      if (!output.awaitCompletion(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("The container's output did not end within {}", config.callTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void removeQuietly(String id) {
    boolean interrupted = Thread.interrupted();
    try {
      engine.remove(id);
    } catch (RuntimeException e) {
      log.warn("Could not remove container {}; the next sweep will", shortId(id), e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(ResultCallback.Adapter<Frame> output) {
    if (output == null) {
      return;
    }
    try {
      output.close();
    } catch (IOException e) {
      log.debug("Could not close the container's output stream", e);
    }
  }

  private static void check(SandboxRun run) {
    Objects.requireNonNull(run, "run");
    if (!Files.isDirectory(run.workdir())) {
      throw new IllegalArgumentException(
          "sandbox workdir " + run.workdir() + " does not exist or is not a directory");
    }
    for (String name : run.environment().keySet()) {
      if (!name.startsWith(ProcessSandbox.VARIABLE_PREFIX)) {
        throw new IllegalArgumentException(
            "environment variable " + name + " may not be set for a sandboxed command");
      }
    }
  }

  private static String requireImage(String image) {
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("a container image is required");
    }
    return image;
  }

  private static Duration elapsed(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private static String since(long startedNanos) {
    return elapsed(startedNanos).toMillis() + " ms";
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** Closes the engine's clients, if this sandbox opened them. */
  @Override
  public void close() {
    if (owner) {
      engine.close();
    }
  }
}
