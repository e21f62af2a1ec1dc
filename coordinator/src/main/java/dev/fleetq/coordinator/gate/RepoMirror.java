package dev.fleetq.coordinator.gate;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.git.GitResult;
import dev.fleetq.model.job.RepoSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gate's own git steps on one repository: a bare mirror under {@code
 * workDir/mirrors/{repoId}.git} that fetches every branch of the origin into {@code
 * refs/remotes/origin/*}, detached scratch worktrees under {@code workDir/scratch/{repoId}}, and
 * the compare-and-swap push of the main branch. Every step is one {@link Git} command, bounded by
 * its timeout.
 *
 * <p>Not thread-safe per repository: the gate handles one request per repository at a time, which
 * its partition ownership guarantees. Different repositories may be used concurrently.
 */
final class RepoMirror {
  /** Where workers push candidates: {@code fleetq/{job}/{unit}/a{n}}. */
  static final String CANDIDATE_PREFIX = "fleetq/";

  private final Git git;
  private final Path mirror;
  private final Path scratchRoot;
  private final RepoSpec repo;

  RepoMirror(Git git, Path workDir, RepoSpec repo) {
    this.git = git;
    this.repo = repo;
    this.mirror = workDir.resolve("mirrors").resolve(repo.repoId().value() + ".git");
    this.scratchRoot = workDir.resolve("scratch").resolve(repo.repoId().value());
  }

  /** Fetches every branch of the origin, creating the mirror on first use. */
  RepoMirror fetch() {
    if (!Files.isDirectory(mirror.resolve("objects"))) {
      create();
    }
    git.run(mirror, "fetch", "--quiet", "--prune", "origin");
    return this;
  }

  /** The commit the origin's main branch pointed at when last fetched. */
  String mainHead() {
    return git.run(
        mirror, "rev-parse", "--verify", "refs/remotes/origin/" + repo.branch() + "^{commit}");
  }

  /** The id of {@code commit}'s tree: two commits with the same tree hold the same files. */
  String tree(String commit) {
    return git.run(mirror, "rev-parse", "--verify", commit + "^{tree}");
  }

  /** Whether the mirror holds {@code commit}. */
  boolean hasCommit(String commit) {
    return git.tryRun(mirror, "cat-file", "-e", commit + "^{commit}").succeeded();
  }

  /**
   * Whether {@code ancestor} is in the history of {@code descendant}; false if either is unknown.
   */
  boolean isAncestor(String ancestor, String descendant) {
    return git.tryRun(mirror, "merge-base", "--is-ancestor", ancestor, descendant).succeeded();
  }

  /**
   * The paths {@code candidate} changes since its merge base with {@code main}: what the unit's own
   * commits change, without what it merged in from main.
   */
  List<String> changedPaths(String candidate, String main) {
    String base = git.run(mirror, "merge-base", main, candidate).strip();
    String names = git.run(mirror, "diff", "--name-only", "--no-renames", "-z", base, candidate);
    return Arrays.stream(names.split("\0")).filter(name -> !name.isBlank()).toList();
  }

  /** A fresh detached worktree at {@code commit}, removed again when closed. */
  Scratch scratch(String commit, String name) {
    Path dir = scratchRoot.resolve(name);
    if (Files.exists(dir)) {
      removeWorktree(dir);
    }
    git.run(mirror, "worktree", "add", "--quiet", "--detach", dir.toString(), commit);
    return new Scratch(dir);
  }

  /**
   * Moves the origin's main branch from {@code expected} to {@code commit}, only if it still points
   * at {@code expected}.
   */
  Push pushMain(String commit, String expected) {
    String main = "refs/heads/" + repo.branch();
    GitResult push =
        git.tryRun(
            mirror,
            "push",
            "--quiet",
            "--no-verify",
            "--force-with-lease=" + main + ":" + expected,
            "origin",
            commit + ":" + main);
    if (push.succeeded()) {
      return Push.PUSHED;
    }
    fetch();
    return mainHead().equals(expected) ? Push.rejected(push.stderr()) : Push.MAIN_MOVED;
  }

  /**
   * Pushes {@code commit}, which the mirror or one of its worktrees made, to the origin's {@code
   * ref}.
   */
  GitResult pushRef(String commit, String ref) {
    return git.tryRun(mirror, "push", "--quiet", "--no-verify", "origin", commit + ":" + ref);
  }

  /** Deletes {@code ref} from the origin. */
  GitResult deleteRef(String ref) {
    return git.tryRun(mirror, "push", "--quiet", "--no-verify", "origin", ":" + ref);
  }

  /**
   * Deletes {@code branches} from the origin in one push; only candidate branches ({@code
   * fleetq/...}), never the main branch.
   *
   * @return the push's outcome; a branch that is already gone fails the push as a whole
   */
  GitResult deleteBranches(List<String> branches) {
    List<String> command = new ArrayList<>(List.of("push", "--quiet", "--no-verify", "origin"));
    for (String branch : branches) {
      if (!branch.startsWith(CANDIDATE_PREFIX) || branch.equals(repo.branch())) {
        throw new IllegalArgumentException("refusing to delete the branch " + branch);
      }
      command.add(":refs/heads/" + branch);
    }
    return git.tryRun(mirror, command.toArray(String[]::new));
  }

  private void create() {
    try {
      Files.createDirectories(mirror);
      git.run(mirror, "init", "--quiet", "--bare");
      git.run(mirror, "remote", "add", "origin", repo.url());
      git.run(mirror, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the gate's mirror of " + repo.url(), e);
    }
  }

  private void removeWorktree(Path dir) {
    git.tryRun(mirror, "worktree", "remove", "--force", dir.toString());
    git.run(mirror, "worktree", "prune");
  }

  /** How a push of the main branch ended. */
  record Push(Kind kind, String error) {
    enum Kind {
      PUSHED,
      MAIN_MOVED,
      REJECTED
    }

    static final Push PUSHED = new Push(Kind.PUSHED, null);
    static final Push MAIN_MOVED = new Push(Kind.MAIN_MOVED, null);

    static Push rejected(String error) {
      return new Push(Kind.REJECTED, error);
    }
  }

  /** A scratch worktree; closing it removes it. */
  final class Scratch implements AutoCloseable {
    private final Path dir;

    private Scratch(Path dir) {
      this.dir = dir;
    }

    Path dir() {
      return dir;
    }

    /** The commit the worktree is at. */
    String head() {
      return git.run(dir, "rev-parse", "HEAD");
    }

    /**
     * Merges {@code commit} with a merge commit; on a conflict the merge is aborted and the
     * conflicting paths are returned, otherwise an empty list.
     */
    List<String> merge(String commit, String message) {
      GitResult merge =
          git.tryRun(dir, "merge", "--no-ff", "--no-edit", "--no-verify", "-m", message, commit);
      if (merge.succeeded()) {
        return List.of();
      }
      List<String> conflicts =
          git.run(dir, "diff", "--name-only", "--diff-filter=U").lines().toList();
      git.tryRun(dir, "merge", "--abort");
      if (conflicts.isEmpty()) {
        throw new IllegalStateException(
            "merging " + commit + " failed without conflicts: " + merge.stderr());
      }
      return conflicts;
    }

    /**
     * Whether the worktree's files are those of {@code before}, as after merging a commit that main
     * already holds or whose changes it already has; the worktree is then put back at {@code
     * before}, so no empty merge commit stays in the chain.
     */
    boolean undoIfUnchanged(String before) {
      String head = head();
      if (!git.run(dir, "rev-parse", head + "^{tree}")
          .equals(git.run(dir, "rev-parse", before + "^{tree}"))) {
        return false;
      }
      if (!head.equals(before)) {
        git.run(dir, "reset", "--hard", "--quiet", before);
      }
      return true;
    }

    @Override
    public void close() {
      removeWorktree(dir);
    }
  }
}
