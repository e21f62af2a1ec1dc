package dev.fleetq.worker.git;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.git.GitResult;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.unit.WorkUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One worker's git checkouts: a bare mirror per repository, fetched before every unit, and a {@code
 * git worktree} per unit attempt on its own branch {@code fleetq/{jobId}/{unitId}/a{attempt}}. The
 * mirror is shared by the worker's slots, so fetches into it are serialized per repository; the
 * worktrees are independent. The {@code .fleetq/} folder, where the assignment lives, is excluded
 * from every commit.
 *
 * <p>Thread-safe: slots call it concurrently for different units.
 */
public final class Workspace {
  /** The branch prefix every unit branch lives under; only the gate writes the main branch. */
  public static final String BRANCH_PREFIX = "fleetq/";

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
   * Pull: fetches the repository into the mirror and creates a fresh worktree for the unit attempt,
   * on its own branch, from the current tip of the repository's main branch.
   */
  public Checkout checkout(WorkUnit unit) {
    Path mirror = fetch(unit.repo().url());
    String main = "refs/remotes/origin/" + unit.repo().branch();
    String base = git.run(mirror, "rev-parse", "--verify", main + "^{commit}");
    Path dir =
        root.resolve("units").resolve(unit.jobId() + "-" + unit.unitId() + "-a" + unit.attempt());
    if (Files.exists(dir)) {
      removeWorktree(mirror, dir);
    }
    String branch = branchFor(unit);
    git.run(mirror, "worktree", "add", "--force", "-B", branch, dir.toString(), base);
    return new Checkout(unit.repo().url(), mirror, dir, branch, unit.repo().branch(), base);
  }

  /**
   * Work, part two: commits everything the agent changed (outside {@code .fleetq/}) with the given
   * message. Returns false when the agent changed nothing.
   */
  public boolean commitAll(Checkout checkout, String message) {
    git.run(checkout.dir(), "add", "--all");
    if (git.tryRun(checkout.dir(), "diff", "--cached", "--quiet").succeeded()) {
      return false;
    }
    git.run(checkout.dir(), "commit", "--quiet", "--no-verify", "-m", message);
    return true;
  }

  /**
   * Merge: fetches the main branch again and merges it into the unit branch. A conflict is an
   * expected outcome: the merge is aborted, the worktree is left as it was, and the conflicting
   * paths are returned.
   */
  public MergeOutcome mergeLatestMain(Checkout checkout) {
    fetch(checkout.url());
    GitResult merge =
        git.tryRun(
            checkout.dir(),
            "merge",
            "--no-edit",
            "--no-verify",
            "-m",
            "Merge " + checkout.mainBranch() + " into " + checkout.branch(),
            "refs/remotes/origin/" + checkout.mainBranch());
    if (merge.succeeded()) {
      return MergeOutcome.merged(head(checkout));
    }
    List<String> conflicts =
        git.run(checkout.dir(), "diff", "--name-only", "--diff-filter=U").lines().toList();
    git.tryRun(checkout.dir(), "merge", "--abort");
    if (conflicts.isEmpty()) {
      throw new IllegalStateException(
          "merging " + checkout.mainBranch() + " failed without conflicts: " + merge.stderr());
    }
    return MergeOutcome.conflict(conflicts);
  }

  /** Push: publishes the unit branch to the repository. Never pushes the main branch. */
  public void push(Checkout checkout) {
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
    removeWorktree(checkout.mirror(), checkout.dir());
    git.tryRun(checkout.mirror(), "branch", "-D", checkout.branch());
  }

  private void removeWorktree(Path mirror, Path dir) {
    git.tryRun(mirror, "worktree", "remove", "--force", dir.toString());
    git.run(mirror, "worktree", "prune");
  }

  private Path fetch(String url) {
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
      if (!Files.isDirectory(mirror)) {
        createMirror(url, mirror);
      }
      git.run(mirror, "fetch", "--quiet", "--prune", "origin");
      return mirror;
    } finally {
      lock.unlock();
    }
  }

  private void createMirror(String url, Path mirror) {
    try {
      Files.createDirectories(mirror);
      git.run(mirror, "init", "--quiet", "--bare");
      git.run(mirror, "remote", "add", "origin", url);
      git.run(mirror, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*");
      Files.writeString(
          mirror.resolve("info").resolve("exclude"),
          "\n.fleetq/\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the mirror of " + url + " at " + mirror, e);
    }
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
   * @param conflicts the paths that conflicted, empty when merged
   */
  public record MergeOutcome(String head, List<String> conflicts) {
    static MergeOutcome merged(String head) {
      return new MergeOutcome(head, List.of());
    }

    static MergeOutcome conflict(List<String> conflicts) {
      return new MergeOutcome(null, List.copyOf(conflicts));
    }

    /** Whether the merge conflicted. */
    public boolean conflicted() {
      return !conflicts.isEmpty();
    }
  }
}
