package dev.fleetq.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.state.JobState;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code fleetq jobs}: the latest jobs and their state, from the HTTP API. Runs on the main thread.
 */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List the latest jobs, from the coordinator's HTTP API.")
final class JobsCommand implements Callable<Integer> {
  @Mixin ApiClient client;

  /** The body of {@code GET /v1/jobs}. */
  record JobList(@JsonProperty("jobs") List<JobState> jobs) {
    JobList {
      jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    try {
      HttpResponse<String> response = client.get("/v1/jobs");
      if (response.statusCode() != 200) {
        throw new ApiClient.Failed("HTTP " + response.statusCode() + " " + response.body());
      }
      List<JobState> jobs = Json.decode(response.body(), JobList.class).jobs();
      if (jobs.isEmpty()) {
        System.out.println("no jobs");
      }
      jobs.forEach(job -> System.out.println(JobLines.line(job)));
      return 0;
    } catch (ApiClient.Failed | InvalidMessageException e) {
      System.err.println("fleetq jobs: " + e.getMessage());
      return 1;
    }
  }
}
