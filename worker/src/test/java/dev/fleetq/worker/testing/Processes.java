package dev.fleetq.worker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a process runs, as {@code /proc} tells it: a zombie has exited. */
public final class Processes {
  private Processes() {}

  /** Whether the process whose pid is written in {@code pidFile} is running. */
  public static boolean running(Path pidFile) {
    try {
      return running(Long.parseLong(Files.readString(pidFile).strip()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + pidFile, e);
    }
  }

  /** Whether the process {@code pid} is running: it exists and is neither a zombie nor dead. */
  public static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }
}
