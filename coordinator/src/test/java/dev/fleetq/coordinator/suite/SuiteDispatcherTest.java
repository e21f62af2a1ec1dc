package dev.fleetq.coordinator.suite;

import static dev.fleetq.coordinator.testing.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.coordinator.testing.Harness;
import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.Scrape;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.suite.SuiteRequest;
import dev.fleetq.model.suite.SuiteResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's dispatcher against a real executor: a run it waits on counts in {@code
 * fleetq_suite_runs_waiting}, the executors' autoscaling signal, until its result comes.
 */
@WithDevStack
class SuiteDispatcherTest {
  @Test
  void aRunCountsAsWaitingUntilItsResultComes(DevStack stack, TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ExampleRepo repo = ExampleRepo.create(dir.resolve("repo"), 2, 1);
    Path started = dir.resolve("started");
    Path release = dir.resolve("release");
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Harness harness = new Harness(stack, ns, dir.resolve("work"))) {
      harness.provision();
      harness.startExecutor("executor-a");
      SuiteDispatcher suites = harness.suites(registry);
      String command =
          "touch %s; while [ ! -e %s ]; do sleep 0.05; done; %s"
              .formatted(started, release, ExampleRepo.TEST_COMMAND);
      CompletableFuture<Optional<SuiteResult>> answer =
          CompletableFuture.supplyAsync(() -> run(suites, request(repo, command)));

      eventually().until(() -> Files.exists(started));
      assertThat(scrape(registry).sum("fleetq_suite_runs_waiting"))
          .as("runs waited on while the command runs")
          .isEqualTo(1);
      Files.createFile(release);
      Optional<SuiteResult> result = answer.get(Harness.WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(result)
          .as("the result")
          .hasValueSatisfying(r -> assertThat(r.outcome()).isEqualTo(SuiteResult.Outcome.REPORTED));
      Scrape after = scrape(registry);
      assertThat(after.sum("fleetq_suite_runs_waiting")).as("runs waited on after").isZero();
      assertThat(after.sum("fleetq_suite_answers_total", "outcome", "REPORTED"))
          .as("reported answers")
          .isEqualTo(1);
      assertThat(after.sum("fleetq_suite_dispatches_total", "dispatch", "first"))
          .as("first dispatches")
          .isEqualTo(1);
    }
  }

  private static SuiteRequest request(ExampleRepo repo, String command) {
    return new SuiteRequest(
        "run-waiting",
        1,
        JobId.parse("job-dispatch"),
        RepoId.fromUrl(repo.url()),
        repo.url(),
        "refs/heads/main",
        repo.mainHead(),
        command,
        List.of(ExampleRepo.REPORT_GLOB),
        Duration.ofMinutes(1),
        null);
  }

  private static Optional<SuiteResult> run(SuiteDispatcher suites, SuiteRequest request) {
    try {
      return suites.run(request, Harness.WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + request.runId(), e);
    }
  }

  private static Scrape scrape(PrometheusRegistry registry) {
    return Scrape.of(PrometheusTextFormatWriter.create().toDebugString(registry.scrape()));
  }
}
