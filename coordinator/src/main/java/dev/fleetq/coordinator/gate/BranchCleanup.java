package dev.fleetq.coordinator.gate;

import dev.fleetq.exec.git.GitResult;
import dev.fleetq.model.gate.GateRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the candidates' branches from the origin once their verdicts are reported: a landed
 * candidate lives on in main's merge commit, and a refused attempt is never tested again (its unit
 * retries on a branch of its next attempt). One push deletes a batch's branches. A failure is
 * logged and counted, never thrown: the verdicts stand, and the branches stay for a person to
 * remove. With {@link GateConfig#keepBranches()} it deletes nothing.
 *
 * <p>Thread-safe: it keeps no state; executor threads call it for different repositories.
 */
final class BranchCleanup {
  private static final Logger log = LoggerFactory.getLogger(BranchCleanup.class);

  private final Gatekeeper gatekeeper;
  private final GateMetrics metrics;
  private final boolean keep;

  BranchCleanup(Gatekeeper gatekeeper, GateMetrics metrics, boolean keep) {
    this.gatekeeper = gatekeeper;
    this.metrics = metrics;
    this.keep = keep;
  }

  /** Deletes the branches of {@code decided}, requests of one repository whose verdicts are out. */
  void decided(List<GateRequest> decided) {
    if (keep || decided.isEmpty()) {
      return;
    }
    List<String> branches =
        decided.stream()
            .map(GateRequest::candidateBranch)
            .filter(branch -> branch.startsWith(RepoMirror.CANDIDATE_PREFIX))
            .distinct()
            .toList();
    if (branches.isEmpty()) {
      return;
    }
    try {
      GitResult push = gatekeeper.mirror(decided.get(0).repo()).deleteBranches(branches);
      if (push.succeeded()) {
        log.info("Deleted {} candidate branches from the origin", branches.size());
        metrics.branchesDeleted(branches.size(), true);
      } else {
        log.warn("Could not delete the candidate branches {}: {}", branches, push.stderr().strip());
        metrics.branchesDeleted(branches.size(), false);
      }
    } catch (RuntimeException e) {
      log.warn("Could not delete the candidate branches {}: {}", branches, e.toString());
      metrics.branchesDeleted(branches.size(), false);
    }
  }
}
