package dev.fleetq.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One process of the chaos fleet (the broker, redis-server, the coordinator, a worker), started
 * from a command line with its output appended to a log file, and stopped the hard way ({@code
 * SIGKILL}, no shutdown hook) or the soft way ({@code SIGTERM}). A Java node runs a main class of
 * this JVM's classpath in a JVM of its own. Thread-safe: a watching thread may kill a node that the
 * benchmark's thread starts.
 */
final class Node implements AutoCloseable {
  private static final Duration STOP_BOUND = Duration.ofSeconds(30);

  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;
  private long logOffset;

  private Node(String name, List<String> command, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
  }

  /**
   * A JVM of its own running {@code mainClass} with {@code args}, in 256 MiB of heap, logging as
   * the {@code fleetq} command does.
   */
  static Node java(String name, Path log, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // The fleetq command's own logging, not this module's test configuration, which is quieter.
    command.add("-Dlogback.configurationFile=logback.xml");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return new Node(name, command, log);
  }

  /** Any other program. */
  static Node program(String name, Path log, List<String> command) {
    return new Node(name, command, log);
  }

  String name() {
    return name;
  }

  /** Starts the process and waits, up to {@code bound}, until its log shows {@code ready}. */
  synchronized Instant start(String ready, Duration bound) {
    try {
      Files.createDirectories(log.getParent());
      logOffset = Files.exists(log) ? Files.size(log) : 0;
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    Awaitility.await(name + " logs '" + ready + "' in " + log)
        .atMost(bound)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> logSinceStart().contains(ready) || !process.isAlive());
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited at start; see " + log);
    }
    return Instant.now();
  }

  /** Kills the process and what it started with {@code SIGKILL}, and waits until it is gone. */
  synchronized void kill() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    awaitExit();
  }

  /** Asks the process to stop with {@code SIGTERM}; kills it if it has not within 30 s. */
  synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    awaitExit();
  }

  @Override
  public void close() {
    kill();
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + name, e);
    }
    process = null;
  }

  private String logSinceStart() throws IOException {
    byte[] all = Files.readAllBytes(log);
    int from = (int) Math.min(logOffset, all.length);
    return new String(all, from, all.length - from, StandardCharsets.UTF_8);
  }
}
