package dev.fleetq.exec.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A sandboxed command and every process it started, found and killed as one. When the command was
 * started through {@code setsid}, its pid is also the id of its process group and session, and
 * every process it starts stays in them even after its parent has exited (a {@code sleep 300 &}
 * whose shell is gone); those are found through {@code /proc}. Processes that are still descendants
 * of the command are found through {@link ProcessHandle#descendants()} as well, which is all there
 * is where {@code setsid} or {@code /proc} are missing.
 *
 * <p>When the command runs as a uid of its own ({@link DroppedRun}), every process of that uid
 * belongs to the tree as well, wherever it moved: a uid cannot leave itself.
 *
 * <p>A process that has exited but whose parent has not collected its status (a zombie) counts as
 * gone: it runs nothing and holds nothing but its pid. Orphans are collected by the system's init
 * process, which in a container should be a real init such as {@code tini}.
 *
 * <p>Not thread-safe; owned by the thread that runs the command.
 */
final class ProcessTree {
  private static final Path PROC = Path.of("/proc");
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(2);

  /** The {@code uid} of a tree whose command runs as this process's own user. */
  static final int SHARED_UID = -1;

  private final Process root;
  private final boolean ownSession;
  private final int uid;

  /**
   * @param root the command's process
   * @param ownSession whether {@code root} leads its own session and process group
   * @param uid the uid that only this command runs as, or {@link #SHARED_UID}
   */
  ProcessTree(Process root, boolean ownSession, int uid) {
    this.root = root;
    this.ownSession = ownSession;
    this.uid = uid;
  }

  /** What {@link #kill} found: how many processes were running, and which outlived the wait. */
  record Killing(int found, List<Long> survivors) {
    Killing {
      survivors = List.copyOf(survivors);
    }
  }

  /**
   * Sends SIGKILL to the process group and to every running member, again and again until none is
   * left or {@code wait} has passed. Does nothing when no member is running. Interruption does not
   * cut the wait short; the interrupt status is set again before returning.
   */
  Killing kill(Duration wait) {
    Map<Long, ProcessHandle> running = running();
    if (running.isEmpty()) {
      return new Killing(0, List.of());
    }
    int found = running.size();
    long deadline = System.nanoTime() + wait.toNanos();
    boolean interrupted = false;
    if (ownSession) {
      interrupted = signalGroup();
    }
    while (!running.isEmpty() && System.nanoTime() - deadline < 0) {
      running.values().forEach(ProcessHandle::destroyForcibly);
      // Polled rather than awaited through ProcessHandle.onExit(), which counts a zombie as alive
      // and so would wait out the whole deadline for every orphan that init has not collected.
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        interrupted = true;
      }
      running = running();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return new Killing(found, List.copyOf(running.keySet()));
  }

  /** The processes of the tree that are running now, by pid. */
  Map<Long, ProcessHandle> running() {
    Map<Long, ProcessHandle> running = new TreeMap<>();
    Stream.concat(Stream.of(root.toHandle()), root.descendants())
        .filter(ProcessTree::isRunning)
        .forEach(handle -> running.put(handle.pid(), handle));
    if ((ownSession || uid != SHARED_UID) && Files.isDirectory(PROC)) {
      for (long pid : members()) {
        ProcessHandle.of(pid)
            .filter(handle -> handle.pid() != ProcessHandle.current().pid())
            .ifPresent(handle -> running.put(pid, handle));
      }
    }
    return running;
  }

  /** Kills the whole group in one signal, so that no member can fork past a pid-by-pid kill. */
  private boolean signalGroup() {
    // The shell's kill builtin signals a process group; Java can signal only single processes.
    ProcessBuilder kill =
        new ProcessBuilder("/bin/sh", "-c", "kill -s KILL -- -" + root.pid())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      Process process = kill.start();
      if (!process.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
      return false;
    } catch (IOException e) {
      // The pid-by-pid kill that follows still reaches every member it can see.
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /**
   * Running processes whose process group or session is the root's pid, or whose uid is the tree's
   * own, read from /proc.
   */
  private Collection<Long> members() {
    List<Long> members = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        stat(entry)
            .filter(
                stat ->
                    stat.running()
                        && ((ownSession && stat.belongsTo(root.pid())) || runsAsOwnUid(entry)))
            .ifPresent(stat -> members.add(stat.pid()));
      }
    } catch (IOException e) {
      // /proc unreadable: fall back to the descendants alone.
    }
    return members;
  }

  /** Whether the process's real or effective uid is the tree's own. */
  private boolean runsAsOwnUid(Path entry) {
    if (uid == SHARED_UID) {
      return false;
    }
    try (Stream<String> lines = Files.lines(entry.resolve("status"))) {
      return lines
          .filter(line -> line.startsWith("Uid:"))
          .findFirst()
          .map(line -> line.substring(4).trim().split("\\s+"))
          .map(ids -> Integer.parseInt(ids[0]) == uid || Integer.parseInt(ids[1]) == uid)
          .orElse(false);
    } catch (IOException | RuntimeException e) {
      // The process ended between listing and reading.
      return false;
    }
  }

  private static boolean isRunning(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    Path entry = PROC.resolve(Long.toString(handle.pid()));
    return !Files.isDirectory(PROC) || stat(entry).map(Stat::running).orElse(false);
  }

  private static Optional<Stat> stat(Path entry) {
    try {
      return Optional.of(Stat.parse(Files.readString(entry.resolve("stat"))));
    } catch (IOException | RuntimeException e) {
      // The process ended between listing and reading, or the line is not what we expect.
      return Optional.empty();
    }
  }

  /** The fields of {@code /proc/<pid>/stat} that matter here. */
  private record Stat(long pid, char state, long processGroup, long session) {
    static Stat parse(String line) {
      // The command name in parentheses may itself contain spaces and parentheses.
      int open = line.indexOf(" (");
      int close = line.lastIndexOf(')');
      String[] fields = line.substring(close + 2).split(" ");
      return new Stat(
          Long.parseLong(line.substring(0, open)),
          fields[0].charAt(0),
          Long.parseLong(fields[2]),
          Long.parseLong(fields[3]));
    }

    /** Zombies ({@code Z}) and dead tasks ({@code X}) have exited. */
    boolean running() {
      return state != 'Z' && state != 'X';
    }

    boolean belongsTo(long leader) {
      return processGroup == leader || session == leader;
    }
  }
}
