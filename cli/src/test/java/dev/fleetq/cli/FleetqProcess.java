package dev.fleetq.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code fleetq} command in a JVM of its own, as an operator runs it. */
public final class FleetqProcess {
  /** The longest a run of {@link #run} may take. */
  public static final Duration RUN_BOUND = Duration.ofMinutes(1);

  private FleetqProcess() {}

  /** The command line that runs {@code fleetq args...} on this JVM's classpath. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Fleetq.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * A process builder for {@code fleetq args...} with stdout and stderr together in {@code output}.
   */
  public static ProcessBuilder builder(Path output, String... args) throws IOException {
    return new ProcessBuilder(command(args))
        .redirectErrorStream(true)
        .redirectOutput(Files.createFile(output).toFile());
  }

  /** How a finished {@code fleetq} ended: its exit status and all it printed. */
  public record Ended(int status, String output) {}

  /**
   * Runs {@code fleetq args...} to its end, within {@link #RUN_BOUND}; a run that does not end in
   * time is killed and fails the test.
   */
  public static Ended run(Path output, String... args) throws IOException, InterruptedException {
    Process process = builder(output, args).start();
    if (!process.waitFor(RUN_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("fleetq " + String.join(" ", args) + " did not end in " + RUN_BOUND);
    }
    return new Ended(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  /** A loopback port that nothing listens on: it was free a moment ago. */
  public static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
