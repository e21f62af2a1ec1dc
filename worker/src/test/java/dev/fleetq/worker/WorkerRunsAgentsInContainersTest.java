package dev.fleetq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.DevStack;
import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import dev.fleetq.exec.git.Git;
import dev.fleetq.exec.testing.ExampleRepo;
import dev.fleetq.exec.testing.ScriptedAgent;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.unit.WorkUnit;
import dev.fleetq.worker.sandbox.DockerSandbox;
import dev.fleetq.worker.sandbox.DockerSandboxConfig;
import dev.fleetq.worker.testing.TestDocker;
import dev.fleetq.worker.testing.TestUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker whose agents run in containers of a real engine: the scripted agent fixes its test
 * inside the container and the worker pushes the fix and asks the gate to land it. Landing itself
 * needs the coordinator, which this module cannot depend on; the end-to-end tests cover it.
 */
@WithDevStack
class WorkerRunsAgentsInContainersTest {
  private static final JobId JOB = JobId.parse("job-docker");
  private static final String WORKER_LABEL = "dev.fleetq.worker";

  private final Git git =
      new Git(new Git.Identity("t", "t@fleetq.invalid"), Duration.ofSeconds(30));

  @TempDir Path dir;
  private TestDocker docker;
  private String workerId;
  private DockerSandbox sandbox;
  private Fleet fleet;
  private ExampleRepo repo;

  @BeforeEach
  void createFleet(DevStack stack, TestNamespace namespace) {
    docker = TestDocker.engineOrSkip();
    workerId = "wd-" + UUID.randomUUID().toString().substring(0, 8);
    sandbox =
        DockerSandbox.connect(
            DockerSandboxConfig.defaults(docker.host()),
            WorkerId.parse(workerId),
            TestDocker.BUSYBOX_IMAGE);
    fleet = new Fleet(stack, namespace, dir, 1);
    repo = ExampleRepo.create(dir.resolve("repo"), 2, 1);
  }

  @AfterEach
  void closeFleet() {
    if (docker == null) {
      return;
    }
    fleet.close();
    sandbox.close();
    assertThat(docker.containersLabelled(WORKER_LABEL, workerId))
        .as("containers left by the worker")
        .isEmpty();
    docker.removeLabelled(WORKER_LABEL, workerId);
    docker.close();
  }

  @Test
  void workerSweepsItsLeftoversThenRunsTheAgentInItsDefaultImageAndPushesTheFix()
      throws IOException {
    String leftover = docker.startLeftover(Map.of(WORKER_LABEL, workerId));
    WorkUnit unit = TestUnits.aUnit(repo, JOB, 1, inContainerOnly(fixer()));

    fleet.start(fleet.config(workerId).withDefaultImage(TestDocker.BUSYBOX_IMAGE), sandbox);
    assertThat(docker.containersLabelled(WORKER_LABEL, workerId))
        .as("containers after the worker started")
        .doesNotContain(leftover);
    fleet.publish(unit);

    assertPushedWithTheFix(unit, 1, null);
  }

  @Test
  void workerRunsTheAgentInTheImageItsJobNames() throws IOException {
    WorkUnit unit =
        TestUnits.aUnitInImage(repo, JOB, 2, inContainerOnly(fixer()), TestDocker.BUSYBOX_IMAGE);

    fleet.start(fleet.config(workerId), sandbox);
    fleet.publish(unit);

    assertPushedWithTheFix(unit, 2, TestDocker.BUSYBOX_IMAGE);
  }

  @Test
  void aUnitAskingForANetworkTheWorkerDoesNotAllowIsRefusedNamingItAndRunsNoContainer()
      throws IOException {
    WorkUnit unit =
        TestUnits.aUnitInImage(
            repo, JOB, 1, inContainerOnly(fixer()), TestDocker.BUSYBOX_IMAGE, "bridge");

    fleet.start(fleet.config(workerId), sandbox);
    fleet.publish(unit);

    await("the end of the attempt")
        .atMost(Fleet.PATIENCE)
        .until(() -> fleet.statuses(unit.key()).contains(UnitStatus.RETRYING));
    UnitEvent ended = fleet.lastEvent(unit.key());
    assertThat(ended.reason()).as("reason").isEqualTo(Reason.SANDBOX_UNAVAILABLE);
    assertThat(ended.detail())
        .as("detail")
        .contains("network bridge", "does not allow", "allowed: none", "--agent-networks");
    assertThat(fleet.gateRequests()).as("gate requests").isEmpty();
    assertThat(dir.resolve("workers/" + workerId + "/logs/job-docker-u1-a1.log"))
        .as("the agent's log, which a container would have written")
        .doesNotExist();
  }

  /**
   * @param image the image the gate request names: the job's, so that the gate's suite runs take
   *     it; none when the agent ran in the worker's default image, which an executor applies itself
   */
  private void assertPushedWithTheFix(WorkUnit unit, int n, String image) {
    await("the gate request").atMost(Fleet.PATIENCE).until(() -> fleet.gateRequests().size() == 1);
    GateRequest request = fleet.gateRequests().get(0);
    assertThat(request.image()).as("the gate request's image").isEqualTo(image);
    assertThat(fleet.statuses(unit.key()))
        .as("events")
        .containsExactly(UnitStatus.CLAIMED, UnitStatus.RUNNING, UnitStatus.PUSHED);
    assertThat(git.run(repo.origin(), "show", request.candidateCommit() + ":src/f0" + n + ".txt"))
        .as("the fixed file in the pushed candidate")
        .isEqualTo(ExampleRepo.fixedContent(n));
    assertThat(dir.resolve("workers/" + workerId + "/logs/job-docker-u" + n + "-a1.log"))
        .as("the agent's log")
        .content()
        .contains("in a container of " + TestDocker.BUSYBOX_IMAGE + " on network none");
  }

  private String fixer() throws IOException {
    return Files.readString(ScriptedAgent.fixer(dir.resolve("agent")).script());
  }

  /** The agent fails unless it runs in a container, where the worktree is at /workspace. */
  private static String inContainerOnly(String script) {
    return "[ \"$PWD\" = /workspace ] || { echo \"not in a container: $PWD\"; exit 9; }\n" + script;
  }
}
