package dev.fleetq.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetq.exec.testing.ExampleRepo;

/** Job documents as a user writes them, in JSON, for the end-to-end tests. */
final class Jobs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Jobs() {}

  /**
   * One unit per failing test of the example, fixed by {@code agentScript} (a whole shell script,
   * escaped here) in a container of {@code image}.
   */
  static String failingTestsInImage(
      String id, ExampleRepo repo, String agentScript, String image, int maxAttempts)
      throws Exception {
    ObjectNode job = (ObjectNode) JSON.readTree(failingTests(id, repo, "replaced", maxAttempts));
    ((ObjectNode) job.get("agent")).put("command", agentScript).put("image", image);
    return JSON.writeValueAsString(job);
  }

  /** One unit per failing test of the example, fixed by {@code agentCommand}. */
  static String failingTests(String id, ExampleRepo repo, String agentCommand, int maxAttempts) {
    return """
        {
          "id": "%s",
          "repo": {"url": "%s", "branch": "main"},
          "plan": {"kind": "failing-tests", "testCommand": "%s", "reportGlobs": ["%s"],
                   "timeout": "PT2M"},
          "agent": {"command": "%s", "timeout": "PT2M", "maxAttempts": %d}
        }
        """
        .formatted(
            id,
            repo.url(),
            ExampleRepo.TEST_COMMAND,
            ExampleRepo.REPORT_GLOB,
            agentCommand,
            maxAttempts);
  }

  /**
   * One unit per failing test of the example, fixed by {@code agentCommand}, whose planner and gate
   * run {@code testCommand} instead of the example's own.
   */
  static String failingTestsTestedBy(
      String id, ExampleRepo repo, String agentCommand, int maxAttempts, String testCommand)
      throws Exception {
    ObjectNode job = (ObjectNode) JSON.readTree(failingTests(id, repo, agentCommand, maxAttempts));
    ((ObjectNode) job.get("plan")).put("testCommand", testCommand);
    return JSON.writeValueAsString(job);
  }

  /**
   * One unit per failing test of the example, fixed by {@code agentCommand}, whose gate runs {@code
   * gateCommand} instead of the plan's test command.
   */
  static String failingTestsGatedBy(
      String id, ExampleRepo repo, String agentCommand, int maxAttempts, String gateCommand)
      throws Exception {
    ObjectNode job = (ObjectNode) JSON.readTree(failingTests(id, repo, agentCommand, maxAttempts));
    ObjectNode gate = job.putObject("gate").put("testCommand", gateCommand).put("timeout", "PT2M");
    gate.putArray("reportGlobs").add(ExampleRepo.REPORT_GLOB);
    return JSON.writeValueAsString(job);
  }

  /** Explicit units {@code u1..uN}, unit {@code uK} targeting the example's test K. */
  static String explicitUnits(String id, ExampleRepo repo, String agentCommand, int units) {
    StringBuilder list = new StringBuilder();
    for (int n = 1; n <= units; n++) {
      list.append(n == 1 ? "" : ",\n")
          .append(
              """
                {"id": "u%d", "title": "Fix test %d", "prompt": "Make %s pass.",
                 "targetTests": ["%s"]}"""
                  .formatted(n, n, ExampleRepo.testId(n), ExampleRepo.testId(n)));
    }
    return """
        {
          "id": "%s",
          "repo": {"url": "%s"},
          "plan": {"kind": "units", "units": [
        %s
          ]},
          "agent": {"command": "%s", "timeout": "PT2M", "maxAttempts": 1},
          "gate": {"testCommand": "%s", "reportGlobs": ["%s"], "timeout": "PT2M"}
        }
        """
        .formatted(
            id, repo.url(), list, agentCommand, ExampleRepo.TEST_COMMAND, ExampleRepo.REPORT_GLOB);
  }
}
