package dev.fleetq.fleet;

import dev.fleetq.exec.testing.ExampleRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A test command that runs the example's suite only once {@code parties} suite runs have started,
 * or after 90 seconds alone: each run leaves a mark in a shared directory, waits for the others'
 * marks, and records {@code met} or {@code alone}. Runs that meet were in flight at the same time.
 */
final class Rendezvous {
  private static final int TENTHS_OF_A_SECOND = 900;

  private Rendezvous() {}

  /** Writes the script under {@code dir}; returns the test command that runs it. */
  static String write(Path dir, Path meetings, int parties) throws IOException {
    Files.createDirectories(dir);
    Files.createDirectories(meetings.resolve("marks"));
    Files.createFile(meetings.resolve("outcomes"));
    // Each suite run may take a uid of its own (a root worker's agent uids).
    for (Path shared : List.of(meetings, meetings.resolve("marks"))) {
      Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    Files.setPosixFilePermissions(
        meetings.resolve("outcomes"), PosixFilePermissions.fromString("rw-rw-rw-"));
    Path script = dir.resolve("rendezvous.sh");
    Files.writeString(
        script,
        """
        #!/bin/sh
        marks=%1$s/marks
        mktemp "$marks/run.XXXXXX" > /dev/null
        waited=0
        while [ "$(ls "$marks" | wc -l)" -lt %2$d ]; do
          if [ "$waited" -ge %3$d ]; then
            echo alone >> %1$s/outcomes
            exec %4$s
          fi
          sleep 0.1
          waited=$((waited + 1))
        done
        echo met >> %1$s/outcomes
        exec %4$s
        """
            .formatted(meetings, parties, TENTHS_OF_A_SECOND, ExampleRepo.TEST_COMMAND));
    return "sh " + script;
  }

  /** What each run that has ended its wait recorded, in order. */
  static List<String> outcomes(Path meetings) throws IOException {
    return Files.readAllLines(meetings.resolve("outcomes"));
  }
}
