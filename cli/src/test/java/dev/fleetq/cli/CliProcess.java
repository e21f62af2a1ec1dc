package dev.fleetq.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code fleetq} command run to its end in a JVM of its own, as a user runs it, in the directory
 * it is given.
 *
 * @param exitCode the exit status
 * @param stdout what it printed on stdout
 * @param stderr what it printed on stderr
 */
record CliProcess(int exitCode, String stdout, String stderr) {
  static final Duration PATIENCE = Duration.ofMinutes(1);

  static CliProcess run(Path dir, String... args) throws Exception {
    List<String> command = FleetqProcess.command(args);
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      if (!process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("fleetq " + String.join(" ", args) + " did not end in time");
      }
    } finally {
      process.destroyForcibly();
    }
    return new CliProcess(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
