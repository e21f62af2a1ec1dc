package dev.fleetq.worker.git;

import dev.fleetq.exec.files.DirectoryTrees;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.git.GitResult;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.unit.WorkUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * One worker's git checkouts: a bare mirror per repository, fetched before every unit, and a {@code
 * git worktree} per unit attempt on its own branch {@code fleetq/{jobId}/{unitId}/a{attempt}}. Only
 * the repository's main branch is fetched into the mirror, so other workers' candidate branches
 * never are. The {@code .fleetq/} folder, where the assignment lives, is excluded from every
 * commit, and whatever the agent committed itself is folded into the unit's one commit.
 *
 * <p>Thread-safe: slots call it concurrently for different units. Everything that writes to a
 * mirror (fetch, adding and removing worktrees) is serialized per repository; work inside a
 * worktree is not.
 */
public final class Workspace {
  /** The branch prefix every unit branch lives under; only the gate writes the main branch. */
  public static final String BRANCH_PREFIX = "fleetq/";

  private static final String ASSIGNMENT_FOLDER = ".fleetq";

  private final Path root;
  private final Git git;
  private final Duration mirrorLockWait;
  private final Map<RepoId, ReentrantLock> mirrorLocks = new ConcurrentHashMap<>();

  /**
   * @param root where mirrors ({@code root/mirrors}) and worktrees ({@code root/units}) live
   * @param git the git command line, with this worker's identity
   * @param mirrorLockWait how long a slot waits for another slot's fetch into the same mirror
   */
  public Workspace(Path root, Git git, Duration mirrorLockWait) {
    this.root = root.toAbsolutePath();
    this.git = git;
    this.mirrorLockWait = mirrorLockWait;
  }

  /** The branch a unit attempt works on. */
  public static String branchFor(WorkUnit unit) {
    return BRANCH_PREFIX + unit.jobId() + "/" + unit.unitId() + "/a" + unit.attempt();
  }

  /**
   * Pull: fetches the repository's main branch into the mirror and creates a fresh worktree for the
   * unit attempt, on its own branch, from the current tip of main.
   */
  public Checkout checkout(WorkUnit unit) {
    String url = unit.repo().url();
    String main = unit.repo().branch();
    Path dir =
        root.resolve("units").resolve(unit.jobId() + "-" + unit.unitId() + "-a" + unit.attempt());
    String branch = branchFor(unit);
    return withMirror(
        url,
        mirror -> {
          fetchMain(mirror, main);
          String base = git.run(mirror, "rev-parse", "--verify", remoteRef(main) + "^{commit}");
          if (Files.exists(dir)) {
            removeWorktree(mirror, dir);
          }
          git.run(
              mirror, "worktree", "add", "--quiet", "--force", "-B", branch, dir.toString(), base);
          return new Checkout(url, mirror, dir, branch, main, base);
        });
  }

  /**
   * Work, part two: makes the unit's one commit, from the commit the worktree started at, of
   * everything the agent changed outside {@code .fleetq/}, including anything it committed itself.
   * Returns false when the agent changed nothing.
   */
  public boolean commitAll(Checkout checkout, String message) {
    Path dir = checkout.dir();
    restoreGitFile(checkout);
    git.run(dir, "reset", "--quiet", "--soft", checkout.baseCommit());
    git.run(dir, "rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", ASSIGNMENT_FOLDER);
    git.run(dir, "add", "--all");
    unstageSecrets(dir, checkout.baseCommit());
    if (git.tryRun(dir, "diff", "--cached", "--quiet").succeeded()) {
      return false;
    }
    git.run(dir, "commit", "--quiet", "--no-verify", "-m", message);
    return true;
  }

  /**
   * Writes the worktree's {@code .git} file again, pointing at its administrative directory in the
   * mirror, which is found through that directory's own {@code gitdir} file. An agent that ran as
   * another uid owned the worktree, {@code .git} included, and could have pointed it at a
   * configuration of its own ({@code core.fsmonitor} names a command) for the worker's git to run;
   * the mirror it cannot write.
   */
  private static void restoreGitFile(Checkout checkout) {
    Path gitFile = checkout.dir().resolve(".git");
    try (Stream<Path> admins = Files.list(checkout.mirror().resolve("worktrees"))) {
      Path admin =
          admins
              .filter(candidate -> pointsAt(candidate, gitFile))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the mirror " + checkout.mirror() + " has no worktree at " + gitFile));
      if (Files.isDirectory(gitFile, LinkOption.NOFOLLOW_LINKS)) {
        DirectoryTrees.delete(gitFile);
      }
      Files.deleteIfExists(gitFile);
      Files.writeString(gitFile, "gitdir: " + admin + "\n", StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new UncheckedIOException("could not restore " + gitFile, e);
    }
  }

  private static boolean pointsAt(Path admin, Path gitFile) {
    try {
      return Files.readString(admin.resolve("gitdir")).strip().equals(gitFile.toString());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Puts every secret file in the index back as it was at the base commit: a credentials file the
   * agent wrote or changed is never committed, and one the repository already tracks stays as it
   * was.
   */
  private void unstageSecrets(Path dir, String baseCommit) {
    List<String> command = new ArrayList<>(List.of("reset", "--quiet", baseCommit, "--"));
    command.addAll(SecretFiles.pathspecs());
    git.run(dir, command.toArray(String[]::new));
  }

  /**
   * Merge: fetches the main branch again and merges it into the unit branch. A conflict is an
   * expected outcome: the merge is aborted, the worktree is left as it was, and the conflicting
   * paths are returned.
   */
  public MergeOutcome mergeLatestMain(Checkout checkout) {
    String main =
        withMirror(
            checkout.url(),
            mirror -> {
              fetchMain(mirror, checkout.mainBranch());
              return git.run(mirror, "rev-parse", "--verify", remoteRef(checkout.mainBranch()));
            });
    GitResult merge =
        git.tryRun(
            checkout.dir(),
            "merge",
            "--no-edit",
            "--no-verify",
            "-m",
            "Merge " + checkout.mainBranch() + " into " + checkout.branch(),
            main);
    if (merge.succeeded()) {
      return MergeOutcome.merged(head(checkout), main);
    }
    List<String> conflicts =
        git.run(checkout.dir(), "diff", "--name-only", "--diff-filter=U").lines().toList();
    git.tryRun(checkout.dir(), "merge", "--abort");
    if (conflicts.isEmpty()) {
      throw new IllegalStateException(
          "merging " + checkout.mainBranch() + " failed without conflicts: " + merge.stderr());
    }
    return MergeOutcome.conflict(conflicts, main);
  }

  /**
   * Push: publishes the unit branch to the repository. Never pushes the main branch.
   *
   * @throws dev.fleetq.exec.git.GitException if the push failed or timed out
   */
  public void push(Checkout checkout) {
    if (!checkout.branch().startsWith(BRANCH_PREFIX)
        || checkout.branch().equals(checkout.mainBranch())) {
      throw new IllegalArgumentException("refusing to push " + checkout.branch());
    }
    git.run(
        checkout.dir(),
        "push",
        "--quiet",
        "--force",
        "origin",
        "HEAD:refs/heads/" + checkout.branch());
  }

  /** The commit the worktree is at. */
  public String head(Checkout checkout) {
    return git.run(checkout.dir(), "rev-parse", "HEAD");
  }

  /** Release, part two: removes the worktree and its local branch; the pushed branch stays. */
  public void remove(Checkout checkout) {
    withMirror(
        checkout.url(),
        mirror -> {
          removeWorktree(mirror, checkout.dir());
          git.tryRun(mirror, "branch", "-D", checkout.branch());
          return null;
        });
  }

  private void removeWorktree(Path mirror, Path dir) {
    git.tryRun(mirror, "worktree", "remove", "--force", "--force", dir.toString());
    git.run(mirror, "worktree", "prune");
  }

  private void fetchMain(Path mirror, String main) {
    git.run(mirror, "fetch", "--quiet", "origin", "+refs/heads/" + main + ":" + remoteRef(main));
  }

  private static String remoteRef(String main) {
    return "refs/remotes/origin/" + main;
  }

  private <T> T withMirror(String url, MirrorWork<T> work) {
    RepoId repo = RepoId.fromUrl(url);
    ReentrantLock lock = mirrorLocks.computeIfAbsent(repo, r -> new ReentrantLock());
    try {
      if (!lock.tryLock(mirrorLockWait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "another slot held the mirror of " + url + " for longer than " + mirrorLockWait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the mirror of " + url, e);
    }
    try {
      Path mirror = root.resolve("mirrors").resolve(repo.value() + ".git");
      if (!Files.isDirectory(mirror.resolve("objects"))) {
        createMirror(url, mirror);
      }
      return work.apply(mirror);
    } finally {
      lock.unlock();
    }
  }

  private void createMirror(String url, Path mirror) {
    try {
      Files.createDirectories(mirror);
      git.run(mirror, "init", "--quiet", "--bare");
      git.run(mirror, "remote", "add", "origin", url);
      Files.writeString(
          mirror.resolve("info").resolve("exclude"),
          "\n/" + ASSIGNMENT_FOLDER + "/\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the mirror of " + url + " at " + mirror, e);
    }
  }

  /** Work done on a mirror while holding its lock. */
  @FunctionalInterface
  private interface MirrorWork<T> {
    T apply(Path mirror);
  }

  /**
   * A unit attempt's worktree.
   *
   * @param url the repository's URL
   * @param mirror the bare mirror the worktree belongs to
   * @param dir the worktree, where the agent runs
   * @param branch the unit branch checked out in it
   * @param mainBranch the repository's main branch
   * @param baseCommit the main commit the branch started from
   */
  public record Checkout(
      String url, Path mirror, Path dir, String branch, String mainBranch, String baseCommit) {}

  /**
   * How merging the latest main into a unit branch ended.
   *
   * @param head the branch's commit after the merge, or null on conflict
   * @param mainCommit the main commit that was merged, or that conflicted
   * @param conflicts the paths that conflicted, empty when merged
   */
  public record MergeOutcome(String head, String mainCommit, List<String> conflicts) {
    public MergeOutcome {
      conflicts = List.copyOf(conflicts);
    }

    static MergeOutcome merged(String head, String mainCommit) {
      return new MergeOutcome(head, mainCommit, List.of());
    }

    static MergeOutcome conflict(List<String> conflicts, String mainCommit) {
      return new MergeOutcome(null, mainCommit, conflicts);
    }

    /** Whether the merge conflicted. */
    public boolean conflicted() {
      return !conflicts.isEmpty();
    }
  }
}
