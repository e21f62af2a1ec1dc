package dev.fleetq.cli;

import dev.fleetq.model.state.JobState;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetq status JOB [--watch]}: a job's projected state from the HTTP API; with {@code
 * --watch}, a line per change until the job ends. Runs on the main thread.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a job's state, from the coordinator's HTTP API.")
final class StatusCommand implements Callable<Integer> {
  static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

  @Mixin ApiClient client;

  @Parameters(index = "0", paramLabel = "JOB", description = "The job's id.")
  String job;

  @Option(names = "--watch", description = "Print a line per change until the job ends.")
  boolean watch;

  @Override
  public Integer call() throws InterruptedException {
    try {
      JobState state = fetch();
      System.out.println(JobLines.line(state));
      while (watch && !state.status().isTerminal()) {
        Thread.sleep(WATCH_INTERVAL.toMillis());
        JobState next = fetch();
        if (!next.equals(state)) {
          System.out.println(JobLines.line(next));
        }
        state = next;
      }
      return !watch || state.status() == JobStatus.SUCCEEDED ? 0 : 1;
    } catch (ApiClient.Failed | InvalidMessageException e) {
      System.err.println("fleetq status: " + e.getMessage());
      return 1;
    }
  }

  private JobState fetch() throws InterruptedException {
    HttpResponse<String> response =
        client.get("/v1/jobs/" + URLEncoder.encode(job, StandardCharsets.UTF_8));
    if (response.statusCode() != 200) {
      throw new ApiClient.Failed(
          "job " + job + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return Json.decode(response.body(), JobState.class);
  }
}
