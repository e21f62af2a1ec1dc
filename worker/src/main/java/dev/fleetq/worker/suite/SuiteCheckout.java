package dev.fleetq.worker.suite;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.git.GitException;
import dev.fleetq.exec.git.GitResult;
import dev.fleetq.model.suite.SuiteRequest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Fetches the one commit a suite request names into an empty directory: {@code git init}, a shallow
 * fetch of the request's ref (a branch or the gate's hidden {@code refs/fleetq/gate/...} ref, which
 * a clone would not bring), a detached checkout, and a check that the ref still points at the
 * request's commit. No mirror is kept: a suite run needs one tree, once.
 *
 * <p>Stateless and thread-safe: each call runs its own git processes in its own directory.
 */
final class SuiteCheckout {
  private final Git git;

  SuiteCheckout(Git git) {
    this.git = Objects.requireNonNull(git, "git");
  }

  /**
   * Checks the request's commit out into {@code dir}, which must exist and be empty.
   *
   * @throws Failed naming the repository, the ref and what git said, when any step fails
   */
  void checkout(SuiteRequest request, Path dir) {
    step(request, dir, "initialize the checkout", "init", "-q");
    step(
        request,
        dir,
        "fetch",
        "fetch",
        "--depth",
        "1",
        "--quiet",
        "--no-tags",
        request.repoUrl(),
        request.ref());
    step(request, dir, "check out", "checkout", "--quiet", "--detach", "FETCH_HEAD");
    String head = step(request, dir, "read the commit of", "rev-parse", "HEAD").strip();
    if (!head.equals(request.commit())) {
      throw new Failed(
          request.ref()
              + " of "
              + request.repoUrl()
              + " is at "
              + head
              + ", not at the requested commit "
              + request.commit());
    }
  }

  private String step(SuiteRequest request, Path dir, String what, String... args) {
    String said;
    try {
      GitResult result = git.tryRun(dir, args);
      if (result.succeeded()) {
        return result.stdout();
      }
      said = "git " + args[0] + " exited with " + result.exitCode() + ": " + result.stderr();
    } catch (GitException e) {
      said = e.getMessage();
    }
    throw new Failed(
        "could not " + what + " " + request.ref() + " of " + request.repoUrl() + ": " + said);
  }

  /** The commit could not be checked out; the message says why, for people. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }
}
