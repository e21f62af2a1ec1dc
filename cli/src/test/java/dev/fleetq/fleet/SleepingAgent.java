package dev.fleetq.fleet;

import dev.fleetq.exec.testing.ScriptedAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * An agent that records its process id under a folder and then sleeps, so that a test can hold a
 * unit in {@code RUNNING} and afterwards check that the process is gone.
 */
final class SleepingAgent {
  private SleepingAgent() {}

  static ScriptedAgent write(Path dir, Path pids, int seconds) throws IOException {
    Files.createDirectories(dir);
    Files.createDirectories(pids);
    // An agent may run as another uid than the test's (a root worker's agent uids).
    Files.setPosixFilePermissions(pids, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path script = dir.resolve("sleeper.sh");
    Files.writeString(
        script,
        "#!/bin/sh\necho $$ > "
            + pids
            + "/$FLEETQ_UNIT_ID-a$FLEETQ_ATTEMPT\nexec sleep "
            + seconds
            + "\n");
    return new ScriptedAgent(script);
  }

  /** The recorded processes that still run; one that exited but was never reaped counts as gone. */
  static List<Long> alive(Path pids) throws IOException {
    try (Stream<Path> files = Files.list(pids)) {
      return files.map(SleepingAgent::pid).filter(SleepingAgent::running).toList();
    }
  }

  private static long pid(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean running(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat);
      // The state follows the command name in parentheses: "123 (sleep) S ...".
      return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException gone) {
      return false;
    }
  }
}
