package dev.fleetq.coordinator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.unit.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default test and protected globs, and the order in which the guard applies them. */
class ChangeGuardTest {
  private static final ChangeGuard GUARD = new ChangeGuard(GateConfig.defaults());
  private static final GateSpec GATE = new GateSpec("make test", null, Duration.ofMinutes(1));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "test/a.sh",
        "src/test/java/a/B.java",
        "tests/t01.sh",
        "pkg/tests/x.py",
        "src/main/java/a/FooTest.java",
        "pkg/foo_test.go",
        "test_parser.py",
        "web/app.test.ts",
        "web/app.spec.js"
      })
  void testFilesAreRefusedUnlessTheJobAllowsTestEdits(String path) {
    assertThat(refusal(GATE, path)).as("refusal of %s", path).contains(Reason.TEST_EDIT);
    assertThat(refusal(GATE.withAllowances(true, false), path))
        .as("refusal of %s with test edits allowed", path)
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        ".ci/build.sh",
        ".fleetq/TASK.md",
        ".env",
        "deploy/.env.production",
        "config/credentials.json",
        "certs/server.pem",
        "home/.ssh/id_rsa.pub"
      })
  void protectedPathsAreRefusedUnlessTheJobAllowsThem(String path) {
    assertThat(refusal(GATE, path)).as("refusal of %s", path).contains(Reason.PROTECTED_PATH);
    assertThat(refusal(GATE.withAllowances(false, true), path))
        .as("refusal of %s with protected paths allowed", path)
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"src/f01.txt", "run-tests.sh", "src/testing/Fixtures.java", "README.md"})
  void ordinaryPathsPass(String path) {
    assertThat(refusal(GATE, path)).as("refusal of %s", path).isEmpty();
  }

  private static Optional<Reason> refusal(GateSpec gate, String path) {
    GateRequest request =
        new GateRequest(
            JobId.parse("job-1"),
            UnitId.parse("u1"),
            1,
            WorkerId.parse("w1"),
            new RepoSpec("file:///tmp/repo.git", "main"),
            "fleetq/job-1/u1/a1",
            "a".repeat(40),
            "b".repeat(40),
            List.of(),
            List.of(),
            gate,
            Instant.EPOCH);
    return GUARD.check(request, List.of(path)).map(ChangeGuard.Refusal::reason);
  }
}
