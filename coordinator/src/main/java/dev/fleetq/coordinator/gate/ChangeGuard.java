package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.unit.Reason;
import java.util.List;
import java.util.Optional;

/**
 * Refuses a candidate for the paths it changes, before any test runs: a protected path (CI
 * configuration, fleetq's files, secrets) unless the job allows it, a path outside the unit's scope
 * when it has one, and a test file unless the job allows test edits, because the tests are the
 * gate's oracle and an agent that edits them can pass the gate without fixing anything.
 *
 * <p>Immutable and thread-safe.
 */
final class ChangeGuard {
  private final PathGlobs tests;
  private final PathGlobs protectedPaths;

  ChangeGuard(GateConfig config) {
    this.tests = PathGlobs.of("testGlobs", config.testGlobs());
    this.protectedPaths = PathGlobs.of("protectedGlobs", config.protectedGlobs());
  }

  /**
   * The refusal of a candidate that changes {@code changed} (repository-relative paths), or empty
   * when it may change them.
   */
  Optional<Refusal> check(GateRequest request, List<String> changed) {
    if (!request.gate().allowProtectedPaths()) {
      List<String> touched = protectedPaths.matching(changed);
      if (!touched.isEmpty()) {
        return refuse(
            Reason.PROTECTED_PATH,
            "The candidate changes protected paths, which this job does not allow: "
                + String.join(", ", touched)
                + ". Leave CI configuration, fleetq's files and secrets as they are on main.");
      }
    }
    if (!request.scope().isEmpty()) {
      PathGlobs scope = PathGlobs.of("scope", request.scope());
      List<String> outside = changed.stream().filter(path -> !scope.matches(path)).toList();
      if (!outside.isEmpty()) {
        return refuse(
            Reason.OUT_OF_SCOPE,
            "The candidate changes paths outside the unit's scope ("
                + String.join(", ", request.scope())
                + "): "
                + String.join(", ", outside)
                + ". Change only files within the scope.");
      }
    }
    if (!request.gate().allowTestEdits()) {
      List<String> edited = tests.matching(changed);
      if (!edited.isEmpty()) {
        return refuse(
            Reason.TEST_EDIT,
            "The candidate changes test files, which this job does not allow: "
                + String.join(", ", edited)
                + ". Make the tests pass by changing the code under test, not the tests.");
      }
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(Reason reason, String detail) {
    return Optional.of(new Refusal(reason, detail));
  }

  /** Why a candidate may not change what it changes. */
  record Refusal(Reason reason, String detail) {}
}
