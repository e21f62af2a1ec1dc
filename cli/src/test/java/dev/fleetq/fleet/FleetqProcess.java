package dev.fleetq.fleet;

import dev.fleetq.cli.Fleetq;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code fleetq} command in a JVM of its own, its output in a file, as an operator runs it. */
final class FleetqProcess {
  private FleetqProcess() {}

  static ProcessBuilder builder(Path output, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Fleetq.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(Files.createFile(output).toFile());
  }
}
