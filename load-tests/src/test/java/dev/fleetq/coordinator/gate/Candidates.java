package dev.fleetq.coordinator.gate;

import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.job.GateSpec;
import dev.fleetq.model.job.RepoSpec;
import dev.fleetq.model.state.RedisKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.redisson.api.RedissonClient;

/**
 * Candidates for a benchmark's gate, made as a worker makes them: a clone of the example
 * repository, a unit branch with one commit of the given file contents, pushed, and the unit's
 * attempt set in Redis. Stateless.
 */
final class Candidates {
  private static final JobId JOB = JobId.parse("job-bench");
  private static final Git GIT =
      new Git(new Git.Identity("fleetq bench", "bench@fleetq.invalid"), Duration.ofSeconds(30));

  private Candidates() {}

  /**
   * Pushes unit {@code unit}'s candidate, which writes {@code files} (paths relative to the
   * repository, and their contents) and is held to {@code targets}, tested by {@code gate}.
   */
  static GateRequest push(
      RedissonClient redis,
      RedisKeys keys,
      ExampleRepo repo,
      Path home,
      String unit,
      Map<String, String> files,
      List<String> targets,
      GateSpec gate)
      throws IOException {
    Path clone = home.resolve("w-" + unit);
    GIT.run(home, "clone", "--quiet", repo.url(), clone.toString());
    String branch = "fleetq/" + JOB + "/" + unit + "/a1";
    GIT.run(clone, "checkout", "--quiet", "-b", branch);
    String base = GIT.run(clone, "rev-parse", "HEAD");
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(clone.resolve(file.getKey()), file.getValue());
    }
    GIT.run(clone, "add", "--all");
    GIT.run(clone, "commit", "--quiet", "-m", "Candidate of " + unit);
    GIT.run(clone, "push", "--quiet", "origin", "HEAD:refs/heads/" + branch);
    UnitKey key = new UnitKey(JOB, UnitId.parse(unit));
    redis.getAtomicLong(keys.attempt(key)).set(1);
    return new GateRequest(
        JOB,
        key.unit(),
        1,
        WorkerId.parse("w1"),
        new RepoSpec(repo.url(), "main"),
        branch,
        GIT.run(clone, "rev-parse", "HEAD"),
        base,
        List.of(),
        targets,
        gate,
        Instant.now());
  }

  /** The source file of the example's test {@code n}. */
  static String src(int n) {
    return String.format("src/f%02d.txt", n);
  }
}
