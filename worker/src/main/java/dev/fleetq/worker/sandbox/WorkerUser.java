package dev.fleetq.worker.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code uid:gid} this process runs as, read from {@code /proc/self/status}, so that an agent
 * in a container writes files the worker owns. Stateless and thread-safe.
 */
final class WorkerUser {
  private static final Path STATUS = Path.of("/proc/self/status");

  private WorkerUser() {}

  /** The real uid and gid of this process, as {@code uid:gid}. */
  static String current() {
    try {
      String uid = null;
      String gid = null;
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("Uid:")) {
          uid = line.substring(4).trim().split("\\s+")[0];
        } else if (line.startsWith("Gid:")) {
          gid = line.substring(4).trim().split("\\s+")[0];
        }
      }
      if (uid == null || gid == null) {
        throw new IllegalStateException(STATUS + " names no Uid or Gid");
      }
      return uid + ":" + gid;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read this process's user from " + STATUS, e);
    }
  }
}
