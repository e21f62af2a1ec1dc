package dev.fleetq.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code fleetq} command in a JVM of its own, as an operator runs it. */
public final class FleetqProcess {
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
}
