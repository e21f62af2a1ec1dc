package dev.fleetq.worker.sandbox;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.fleetq.exec.sandbox.SandboxRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one agent's container is: the image, the command through {@code /bin/sh -c}, the worktree
 * bind-mounted at {@value #WORKSPACE} as the working directory, a {@code tmpfs} at {@code /tmp} as
 * {@code HOME} and {@code TMPDIR}, the worker's user, the limits of the {@link
 * DockerSandboxConfig}, the network the job asked for, no capabilities and no privilege escalation,
 * an init process that reaps orphans, and the labels that let the worker find it again.
 *
 * <p>The environment is {@code LANG}, {@code HOME}, {@code TMPDIR}, the allow-listed variables the
 * worker has, and the run's {@code FLEETQ_*} variables with every path inside the worktree
 * rewritten to its place under {@value #WORKSPACE} (the task file). The image's {@code PATH}
 * applies.
 *
 * <p>Immutable and thread-safe.
 */
final class ContainerSpec {
  /** Where the worktree appears inside the container. */
  static final String WORKSPACE = "/workspace";

  static final String WORKER_LABEL = "dev.fleetq.worker";
  static final String JOB_LABEL = "dev.fleetq.job";
  static final String UNIT_LABEL = "dev.fleetq.unit";
  static final String ATTEMPT_LABEL = "dev.fleetq.attempt";

  private static final String TMP = "/tmp";

  private final DockerSandboxConfig config;
  private final String workerId;
  private final Map<String, String> workerEnvironment;

  ContainerSpec(
      DockerSandboxConfig config, String workerId, Map<String, String> workerEnvironment) {
    this.config = config;
    this.workerId = workerId;
    this.workerEnvironment = Map.copyOf(workerEnvironment);
  }

  /** Fills in the container for {@code run} on {@code network}, which the caller has allowed. */
  CreateContainerCmd describe(CreateContainerCmd create, SandboxRun run, String network) {
    return create
        .withCmd("/bin/sh", "-c", run.command())
        .withWorkingDir(WORKSPACE)
        .withUser(config.user())
        .withEnv(environment(run))
        .withLabels(labels(run))
        .withAttachStdin(false)
        .withStdinOpen(false)
        .withTty(false)
        .withHostConfig(hostConfig(run, network));
  }

  /** The labels that every container of this worker carries. */
  Map<String, String> workerLabels() {
    return Map.of(WORKER_LABEL, workerId);
  }

  private HostConfig hostConfig(SandboxRun run, String network) {
    List<Bind> binds = new ArrayList<>();
    binds.add(new Bind(run.workdir().toString(), new Volume(WORKSPACE), AccessMode.rw));
    if (config.secretsDir() != null) {
      binds.add(
          new Bind(
              config.secretsDir().toString(),
              new Volume(DockerSandboxConfig.SECRETS_MOUNT),
              AccessMode.ro));
    }
    return HostConfig.newHostConfig()
        .withBinds(binds)
        .withNetworkMode(network)
        .withNanoCPUs(config.nanoCpus())
        .withMemory(config.memoryBytes())
        .withMemorySwap(config.memoryBytes())
        .withPidsLimit(config.pidsLimit())
        .withReadonlyRootfs(config.readOnlyRootFs())
        .withTmpFs(Map.of(TMP, tmpOptions()))
        .withCapDrop(Capability.ALL)
        .withSecurityOpts(List.of("no-new-privileges"))
        .withInit(true)
        .withAutoRemove(false);
  }

  private String tmpOptions() {
    // The engine ignores mode=1777 on some hosts; owning /tmp is what lets the agent write there.
    return "rw,nosuid,nodev,size="
        + config.tmpBytes()
        + ",uid="
        + config.uid()
        + ",gid="
        + config.gid()
        + ",mode=1777";
  }

  private List<String> environment(SandboxRun run) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "C.UTF-8");
    for (String name : run.envAllowList()) {
      String value = workerEnvironment.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    String host = run.workdir().toString();
    run.environment()
        .forEach(
            (name, value) ->
                env.put(
                    name,
                    value.equals(host) || value.startsWith(host + "/")
                        ? WORKSPACE + value.substring(host.length())
                        : value));
    env.put("HOME", TMP);
    env.put("TMPDIR", TMP);
    return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  /** The labels of the container for {@code run}: the worker's, and the unit's when known. */
  Map<String, String> labels(SandboxRun run) {
    Map<String, String> labels = new LinkedHashMap<>(workerLabels());
    Map<String, String> env = run.environment();
    putIfPresent(labels, JOB_LABEL, env.get("FLEETQ_JOB_ID"));
    putIfPresent(labels, UNIT_LABEL, env.get("FLEETQ_UNIT_ID"));
    putIfPresent(labels, ATTEMPT_LABEL, env.get("FLEETQ_ATTEMPT"));
    return labels;
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
