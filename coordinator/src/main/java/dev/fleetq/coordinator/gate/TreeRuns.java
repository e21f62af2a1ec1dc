package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The suite runs of one batch's decision, by the tree they ran on: two commits with the same tree
 * hold the same files, so the suite's outcome on the second is the first's, at no cost. The same
 * candidates merged in another order, or one candidate merged alone and as the first of a chain,
 * give the same tree. The flake re-runs do not go through here: they run a tree again on purpose.
 *
 * <p>Not thread-safe; owned by the thread that decides the batch.
 */
final class TreeRuns {
  private final SuiteRunner suites;
  private final RepoMirror mirror;
  private final GateRequest request;
  private final String name;
  private final Runnable countRun;
  private final Map<String, SuiteRunner.Outcome> byTree = new HashMap<>();

  /**
   * @param request the batch's first request, whose job's suite runs
   * @param name the runs' name, such as the repository's id
   * @param countRun called for each suite run that really runs
   */
  TreeRuns(
      SuiteRunner suites, RepoMirror mirror, GateRequest request, String name, Runnable countRun) {
    this.suites = suites;
    this.mirror = mirror;
    this.request = request;
    this.name = name;
    this.countRun = countRun;
  }

  /** The outcome on {@code commit}, which {@code worktree} has checked out. */
  SuiteRunner.Outcome in(Path worktree, String commit, String kind) {
    String tree = mirror.tree(commit);
    SuiteRunner.Outcome known = byTree.get(tree);
    if (known != null) {
      return known;
    }
    SuiteRunner.Outcome run = suites.run(worktree, request, name + "-" + kind);
    countRun.run();
    byTree.put(tree, run);
    return run;
  }

  /** The outcome on {@code commit}, checked out in a scratch worktree of its own if it must run. */
  SuiteRunner.Outcome at(String commit, String kind) {
    SuiteRunner.Outcome known = byTree.get(mirror.tree(commit));
    if (known != null) {
      return known;
    }
    try (RepoMirror.Scratch scratch = mirror.scratch(commit, kind)) {
      return in(scratch.dir(), commit, kind);
    }
  }
}
