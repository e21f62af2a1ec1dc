package dev.fleetq.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fleetq.exec.sandbox.SandboxResult;
import dev.fleetq.exec.sandbox.SandboxRun;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.worker.testing.TestDocker;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of an agent's container, against a real engine: network, time, interruption, memory
 * and leftovers.
 */
class DockerSandboxLimitsTest {
  private static final long MEMORY = 64L << 20;

  @TempDir Path dir;
  private TestDocker docker;
  private String workerId;
  private DockerSandbox sandbox;

  @BeforeEach
  void connect() {
    docker = TestDocker.engineOrSkip();
    workerId = "dsl-" + UUID.randomUUID().toString().substring(0, 8);
    sandbox =
        DockerSandbox.connect(
            DockerSandboxConfig.defaults(docker.host()).withMemoryBytes(MEMORY),
            WorkerId.parse(workerId),
            TestDocker.BUSYBOX_IMAGE,
            Map.of());
  }

  @AfterEach
  void noContainerIsLeft() {
    if (docker == null) {
      return;
    }
    List<String> left = docker.containersLabelled(ContainerSpec.WORKER_LABEL, workerId);
    docker.removeLabelled(ContainerSpec.WORKER_LABEL, workerId);
    sandbox.close();
    docker.close();
    assertThat(left).as("containers left by the test").isEmpty();
  }

  @Test
  void networkNoneRefusesEveryConnection() throws IOException {
    try (ServerSocket server = new ServerSocket(0)) {
      String address = hostAddress();
      SandboxResult result =
          sandbox.run(
              run(
                  "nc -w 3 " + address + " " + server.getLocalPort() + " </dev/null",
                  Duration.ofSeconds(60)));

      assertThat(result.exitCode()).as("nc's exit code; log:\n%s", log(result)).isNotZero();
      assertThat(log(result)).as("log").contains("unreachable");
    }
  }

  @Test
  void networkTheOperatorDoesNotAllowIsRefusedNamingIt() {
    assertThatThrownBy(() -> sandbox.withNetwork("bridge"))
        .as("asking for bridge on a worker that allows only none")
        .isInstanceOf(SandboxUnavailableException.class)
        .hasMessageContaining("network bridge")
        .hasMessageContaining("allowed: none");
  }

  @Test
  void allowedNetworkReachesTheEngineWhichRefusesOneItDoesNotHave() {
    String missing = "fq-missing-" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerSandbox allowing =
        DockerSandbox.connect(
            DockerSandboxConfig.defaults(docker.host()).withNetworks(Set.of("none", missing)),
            WorkerId.parse(workerId),
            TestDocker.BUSYBOX_IMAGE,
            Map.of())) {
      DockerSandbox onMissing = allowing.withNetwork(missing);

      assertThatThrownBy(() -> onMissing.run(run("true", Duration.ofSeconds(60))))
          .as("a run on a network the engine lacks")
          .isInstanceOf(SandboxUnavailableException.class)
          .hasMessageContaining("on network " + missing)
          .hasMessageContaining("network " + missing + " not found");
    }
  }

  @Test
  void timeoutKillsAndRemovesTheLabelledContainer() throws Exception {
    CompletableFuture<SandboxResult> running =
        CompletableFuture.supplyAsync(() -> sandbox.run(run("sleep 300", Duration.ofSeconds(3))));

    await("the unit's container")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !docker.containersLabelled(ContainerSpec.UNIT_LABEL, "u7").isEmpty());
    assertThat(docker.containersLabelled(ContainerSpec.WORKER_LABEL, workerId))
        .as("the worker's containers while the agent runs")
        .hasSize(1);
    SandboxResult result = running.get(60, TimeUnit.SECONDS);

    assertThat(result.timedOut()).as("timed out").isTrue();
    assertThat(result.exitCode()).as("exit code").isEqualTo(SandboxResult.KILLED);
    assertThat(result.elapsed()).as("elapsed").isLessThan(Duration.ofSeconds(30));
    assertThat(docker.containersLabelled(ContainerSpec.WORKER_LABEL, workerId))
        .as("the worker's containers after the timeout")
        .isEmpty();
    assertThat(log(result)).as("log").contains("timed out");
  }

  @Test
  void interruptedRunRemovesTheContainerAndThrowsCancellation() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread slot =
        new Thread(
            () -> {
              try {
                sandbox.run(run("sleep 300", Duration.ofMinutes(5)));
              } catch (Throwable e) {
                thrown.set(e);
              }
            },
            "test-slot");
    slot.start();
    await("the unit's container")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !docker.containersLabelled(ContainerSpec.UNIT_LABEL, "u7").isEmpty());

    slot.interrupt();
    slot.join(Duration.ofSeconds(60).toMillis());

    assertThat(slot.isAlive()).as("slot thread still running").isFalse();
    assertThat(thrown.get()).as("what the run threw").isInstanceOf(CancellationException.class);
    assertThat(docker.containersLabelled(ContainerSpec.WORKER_LABEL, workerId))
        .as("the worker's containers after the interrupt")
        .isEmpty();
  }

  @Test
  void memoryLimitKillsAnAgentThatAllocatesBeyondIt() throws IOException {
    SandboxResult result =
        sandbox.run(
            run("dd if=/dev/zero of=/dev/null bs=256M count=1 2>&1", Duration.ofSeconds(60)));

    assertThat(result.exitCode()).as("exit code; log:\n%s", log(result)).isEqualTo(137);
  }

  @Test
  void sweepRemovesTheContainersThisWorkerLeftAndNoOthers() {
    String otherWorker = workerId + "-other";
    docker.startLeftover(Map.of(ContainerSpec.WORKER_LABEL, workerId));
    docker.startLeftover(Map.of(ContainerSpec.WORKER_LABEL, workerId, "dev.fleetq.unit", "u1"));
    docker.startLeftover(Map.of(ContainerSpec.WORKER_LABEL, otherWorker));
    try {
      assertThat(sandbox.sweep()).as("containers swept").isEqualTo(2);

      assertThat(docker.containersLabelled(ContainerSpec.WORKER_LABEL, workerId))
          .as("this worker's containers")
          .isEmpty();
      assertThat(docker.containersLabelled(ContainerSpec.WORKER_LABEL, otherWorker))
          .as("another worker's containers")
          .hasSize(1);
    } finally {
      docker.removeLabelled(ContainerSpec.WORKER_LABEL, otherWorker);
    }
  }

  private SandboxRun run(String command, Duration timeout) {
    return new SandboxRun(
        command,
        dir,
        Map.of("FLEETQ_UNIT_ID", "u7", "FLEETQ_JOB_ID", "job-limits"),
        List.of(),
        timeout,
        dir.resolve("logs/agent.log"),
        dir.resolve("scratch"));
  }

  /** An address of this machine other than loopback, or a public one when it has none. */
  private static String hostAddress() throws SocketException {
    return NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
        .map(InetAddress::getHostAddress)
        .findFirst()
        .orElse("1.1.1.1");
  }

  private static String log(SandboxResult result) throws IOException {
    return Files.readString(result.logFile());
  }
}
