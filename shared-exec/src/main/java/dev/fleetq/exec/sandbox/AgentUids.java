package dev.fleetq.exec.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The unprivileged uids that a root worker's process runs take, one per run at a time, so that a
 * command can read neither the worker's files and {@code /proc/<pid>/environ} nor another run's
 * worktree. Each uid is also the run's gid; neither needs an entry in {@code /etc/passwd}. The pool
 * must be at least as large as the runs the worker makes at once (its unit and suite slots).
 *
 * <p>The default range, {@value #DEFAULT_RANGE}, sits below systemd's dynamic users (61184-65519)
 * and above the uids Debian gives people.
 *
 * <p>Thread-safe: slots take and give back uids concurrently.
 */
public final class AgentUids {
  /** The uids a root worker gives its runs unless told otherwise. */
  public static final String DEFAULT_RANGE = "61000-61127";

  private final int first;
  private final int last;
  private final Deque<Integer> free = new ArrayDeque<>();

  private AgentUids(int first, int last) {
    if (first <= 0 || last < first) {
      throw new IllegalArgumentException(
          "agent uids must be a range of positive uids such as " + DEFAULT_RANGE);
    }
    this.first = first;
    this.last = last;
    for (int uid = first; uid <= last; uid++) {
      free.add(uid);
    }
  }

  /**
   * Parses {@code FIRST-LAST}, such as {@value #DEFAULT_RANGE}.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code range}
   */
  public static AgentUids parse(String range) {
    String[] bounds = range.trim().split("-", -1);
    if (bounds.length != 2) {
      throw new IllegalArgumentException(
          "agent uids must be FIRST-LAST such as " + DEFAULT_RANGE + ", got '" + range + "'");
    }
    try {
      return new AgentUids(Integer.parseInt(bounds[0].trim()), Integer.parseInt(bounds[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "agent uids must be FIRST-LAST such as " + DEFAULT_RANGE + ", got '" + range + "'", e);
    }
  }

  /** How many uids the pool holds. */
  public int size() {
    return last - first + 1;
  }

  /**
   * Checks that a process of one of these uids can reach {@code dir}: every directory above it must
   * let others through ({@code o+x}). {@code dir} itself, which the worker owns, is made passable
   * here. The worker refuses to start otherwise, rather than widen directories it does not own (a
   * {@code /root} opened so would show its files to every agent).
   *
   * @throws IllegalStateException naming the first directory in the way, and the ways out
   */
  public void requireReachable(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
      Set<PosixFilePermission> own = Files.getPosixFilePermissions(absolute);
      own.add(PosixFilePermission.OTHERS_EXECUTE);
      Files.setPosixFilePermissions(absolute, own);
      for (Path above = absolute.getParent(); above != null; above = above.getParent()) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(above);
        if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IllegalStateException(
              "agents run as uids "
                  + this
                  + " and cannot reach "
                  + absolute
                  + ": "
                  + above
                  + " is "
                  + PosixFilePermissions.toString(permissions)
                  + "; put the work directory somewhere others may pass through, give "
                  + above
                  + " o+x, or run agents as this worker's user (--agent-uids off)");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not check the permissions above " + absolute, e);
    }
  }

  /**
   * Takes a free uid for one run.
   *
   * @throws IllegalStateException when every uid is in use: the pool is smaller than the runs
   */
  int take() {
    synchronized (free) {
      Integer uid = free.poll();
      if (uid == null) {
        throw new IllegalStateException(
            "all " + size() + " agent uids (" + this + ") are in use; give the worker more");
      }
      return uid;
    }
  }

  /** Gives back a uid that {@link #take} returned, once nothing of its run is left. */
  void release(int uid) {
    synchronized (free) {
      free.add(uid);
    }
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
