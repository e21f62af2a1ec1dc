package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.unit.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A batch's candidates merged onto main one after another in a scratch worktree, only as far as the
 * runs need them: a candidate that conflicts is refused {@code CONFLICT} and left out. A candidate
 * whose merge changes no file (main, or an earlier candidate of the chain, already has its changes)
 * is left out too, undecided, and listed {@link #unchanged}: it never becomes an empty merge
 * commit. The merge commit of each is {@link BatchGate#landing}'s message.
 *
 * <p>Not thread-safe; owned by the thread that decides the batch.
 */
final class Merge {
  private final Verdicts verdicts;
  private final RepoMirror.Scratch scratch;
  private final String main;
  private final List<Integer> left;
  private final List<Integer> merged = new ArrayList<>();
  private final List<String> heads = new ArrayList<>();
  private final List<Integer> unchanged = new ArrayList<>();

  Merge(Verdicts verdicts, RepoMirror.Scratch scratch, String main, List<Integer> members) {
    this.verdicts = verdicts;
    this.scratch = scratch;
    this.main = main;
    this.left = new ArrayList<>(members);
  }

  /** How long the chain can grow: the candidates merged and those not merged yet. */
  int most() {
    return merged.size() + left.size();
  }

  /** The chain of the first {@code prefix} candidates, shorter when fewer merge. */
  BatchGate.Chain upTo(int prefix) {
    while (merged.size() < prefix && !left.isEmpty()) {
      int index = left.remove(0);
      GateRequest request = verdicts.request(index);
      String before = scratch.head();
      List<String> conflicts = scratch.merge(request.candidateCommit(), BatchGate.landing(request));
      if (conflicts.isEmpty() && scratch.undoIfUnchanged(before)) {
        unchanged.add(index);
      } else if (conflicts.isEmpty()) {
        merged.add(index);
        heads.add(scratch.head());
      } else {
        verdicts.decide(
            index, b -> b.refuse(Reason.CONFLICT, Refusals.conflict(request, main, conflicts)));
      }
    }
    int size = Math.min(prefix, merged.size());
    return new BatchGate.Chain(
        List.copyOf(merged.subList(0, size)), List.copyOf(heads.subList(0, size)));
  }

  /** The candidates whose merge changed no file, so far, in order. */
  List<Integer> unchanged() {
    return List.copyOf(unchanged);
  }

  /** The candidates not decided yet, merged, unchanged or not merged yet, in order. */
  List<Integer> undecided() {
    List<Integer> all = new ArrayList<>();
    merged.stream().filter(index -> !verdicts.decided(index)).forEach(all::add);
    all.addAll(unchanged);
    all.addAll(left);
    all.sort(null);
    return all;
  }

  /**
   * Decides the candidates whose merge changed no file, once {@code onto}, a commit of main, holds
   * what they were merged onto: superseded when their target tests pass there, so main already does
   * their work; otherwise refused {@code NO_CHANGES}, as they would change nothing, and the next
   * attempt starts from that main.
   *
   * @param passing the tests that pass on {@code onto}
   * @param by what did their work, after the word "main" in the verdict
   */
  void decideUnchanged(String onto, Set<String> passing, String by) {
    for (int index : unchanged) {
      List<String> targets = verdicts.request(index).targetTests();
      List<String> failing = targets.stream().filter(test -> !passing.contains(test)).toList();
      if (failing.isEmpty()) {
        verdicts.decide(index, b -> b.superseded(onto, by));
      } else {
        String detail =
            "Merged onto main "
                + by
                + " ("
                + Refusals.shortSha(onto)
                + "), the candidate changes no file, and its target tests still fail there: "
                + String.join(", ", failing)
                + ".";
        verdicts.decide(index, b -> b.refuse(Reason.NO_CHANGES, detail, failing, List.of()));
      }
    }
  }
}
