package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.slf4j.MDC;

/**
 * The suite runs of one batch's decision, by the tree they ran on: two commits with the same tree
 * hold the same files, so the suite's outcome on the second is the first's, at no cost. The same
 * candidates merged in another order, or one candidate merged alone and as the first of a chain,
 * give the same tree. The flake re-runs do not go through here: they run a tree again on purpose.
 * Several commits can be run at once ({@link #atAll}), on the gate's probe threads.
 *
 * <p>Not thread-safe; owned by the thread that decides the batch, which alone keeps its records.
 */
final class TreeRuns {
  private final SuiteRunner suites;
  private final RepoMirror mirror;
  private final GateRequest request;
  private final String name;
  private final Runnable countRun;
  private final Executor pool;
  private final int width;
  private final Map<String, SuiteRunner.Outcome> byTree = new HashMap<>();

  /**
   * @param request the batch's first request, whose job's suite runs
   * @param name the runs' name, such as the repository's id
   * @param countRun called for each suite run that really runs
   * @param parallel how many runs may run at once, and the threads that wait on them
   */
  TreeRuns(
      SuiteRunner suites,
      RepoMirror mirror,
      GateRequest request,
      String name,
      Runnable countRun,
      Parallel parallel) {
    this.suites = suites;
    this.mirror = mirror;
    this.request = request;
    this.name = name;
    this.countRun = countRun;
    this.pool = parallel.pool();
    this.width = parallel.width();
  }

  /** How many runs may run at once. */
  int width() {
    return width;
  }

  /** The outcome on {@code commit}, a commit of the mirror; it runs only for a tree not run yet. */
  SuiteRunner.Outcome at(String commit, String kind) {
    String tree = mirror.tree(commit);
    SuiteRunner.Outcome known = byTree.get(tree);
    if (known != null) {
      return known;
    }
    SuiteRunner.Outcome run = suites.run(mirror, commit, request, name + "-" + kind);
    countRun.run();
    byTree.put(tree, run);
    return run;
  }

  /**
   * The outcomes on {@code commits}, in their order: the trees not run yet run at once, one commit
   * per tree, each on a thread of the pool.
   */
  List<SuiteRunner.Outcome> atAll(List<String> commits, String kind) {
    if (commits.size() == 1) {
      return List.of(at(commits.get(0), kind));
    }
    Map<String, String> context = MDC.getCopyOfContextMap();
    List<String> trees = new ArrayList<>();
    Map<String, CompletableFuture<SuiteRunner.Outcome>> started = new LinkedHashMap<>();
    for (String commit : commits) {
      String tree = mirror.tree(commit);
      trees.add(tree);
      if (!byTree.containsKey(tree) && !started.containsKey(tree)) {
        started.put(
            tree,
            CompletableFuture.supplyAsync(
                () -> {
                  MDC.setContextMap(context == null ? Map.of() : context);
                  try {
                    return suites.run(mirror, commit, request, name + "-" + kind);
                  } finally {
                    MDC.clear();
                  }
                },
                pool));
      }
    }
    started.forEach(
        (tree, run) -> {
          byTree.put(tree, await(run));
          countRun.run();
        });
    return trees.stream().map(byTree::get).toList();
  }

  private static SuiteRunner.Outcome await(CompletableFuture<SuiteRunner.Outcome> run) {
    try {
      return run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new SuiteRunner.Outcome(false, null, "interrupted while waiting for the run", "");
    } catch (ExecutionException e) {
      throw new IllegalStateException("a suite run failed in the gate", e.getCause());
    }
  }

  /**
   * How a batch's runs may run at once.
   *
   * @param width how many at most; 1 runs each on the deciding thread
   * @param pool the threads that wait on runs that run at once
   */
  record Parallel(int width, Executor pool) {
    /** One run at a time, on the deciding thread. */
    static final Parallel NONE = new Parallel(1, Runnable::run);

    Parallel {
      if (width < 1) {
        throw new IllegalArgumentException("width must be at least 1, got " + width);
      }
    }
  }
}
