package dev.fleetq.exec.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * One command run under a uid of {@link AgentUids} by a root worker. While it runs, the command's
 * workdir and scratch directory are its uid's, the workdir closed to everyone else ({@code 0700}),
 * its log file the worker's alone ({@code 0600}, written through the descriptor it inherits), and
 * its {@code HOME} has a git configuration that lets it read a worktree whose git directory the
 * worker owns. Once {@link ProcessTree} has killed every process of the uid (which also finds what
 * left the command's session), both directories are given back to their first owner and the uid
 * goes back to the pool.
 *
 * <p>Not thread-safe; owned by the thread that runs the command.
 */
final class DroppedRun implements AutoCloseable {
  private final AgentUids uids;
  private final int uid;
  private final SandboxRun run;
  private final int ownerUid;
  private final int ownerGid;

  private DroppedRun(AgentUids uids, int uid, SandboxRun run, int ownerUid, int ownerGid) {
    this.uids = uids;
    this.uid = uid;
    this.run = run;
    this.ownerUid = ownerUid;
    this.ownerGid = ownerGid;
  }

  /**
   * Takes a uid and hands it the run's directories, which {@link ProcessSandbox} has prepared
   * ({@code scratchDir/home} among them).
   */
  static DroppedRun start(AgentUids uids, SandboxRun run) {
    int uid = uids.take();
    try {
      int ownerUid = (Integer) Files.getAttribute(run.workdir(), "unix:uid");
      int ownerGid = (Integer) Files.getAttribute(run.workdir(), "unix:gid");
      DroppedRun dropped = new DroppedRun(uids, uid, run, ownerUid, ownerGid);
      Files.writeString(
          run.scratchDir().resolve("home").resolve(".gitconfig"), "[safe]\n\tdirectory = *\n");
      if (!Files.exists(run.logFile())) {
        Files.createFile(run.logFile());
      }
      Files.setPosixFilePermissions(run.logFile(), PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(run.workdir(), PosixFilePermissions.fromString("rwx------"));
      own(run.workdir(), uid, uid);
      own(run.scratchDir(), uid, uid);
      return dropped;
    } catch (IOException e) {
      uids.release(uid);
      throw new UncheckedIOException("could not hand " + run.workdir() + " to uid " + uid, e);
    } catch (RuntimeException e) {
      uids.release(uid);
      throw e;
    }
  }

  /** The command that becomes the run's uid and gid, with no other groups, then runs the rest. */
  List<String> prefix(Path setpriv) {
    return List.of(
        setpriv.toString(),
        "--reuid=" + uid,
        "--regid=" + uid,
        "--clear-groups",
        "--no-new-privs",
        "--");
  }

  int uid() {
    return uid;
  }

  /** Gives the directories back to their first owner and the uid back to the pool. */
  @Override
  public void close() {
    try {
      own(run.workdir(), ownerUid, ownerGid);
      own(run.scratchDir(), ownerUid, ownerGid);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not give " + run.workdir() + " back from uid " + uid + " to " + ownerUid, e);
    } finally {
      uids.release(uid);
    }
  }

  /** Gives {@code tree} and everything in it to {@code owner}, without following links. */
  private static void own(Path tree, int owner, int group) throws IOException {
    Files.walkFileTree(
        tree,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            chown(dir, owner, group);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            chown(file, owner, group);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void chown(Path path, int owner, int group) throws IOException {
    Files.setAttribute(path, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", group, LinkOption.NOFOLLOW_LINKS);
  }
}
