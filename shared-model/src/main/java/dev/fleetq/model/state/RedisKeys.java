package dev.fleetq.model.state;

import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.id.WorkerId;
import java.time.Duration;
import java.util.Objects;

/**
 * The names of fleetq's Redis keys, all derived from one prefix so that a test or a second
 * installation on the same server can use its own set. Kafka holds what must survive; these keys
 * hold leases, heartbeats, fencing epochs and a projection of state that can be rebuilt from Kafka.
 *
 * @param prefix prepended to every key, such as {@code fleetq:}
 */
public record RedisKeys(String prefix) {
  /** The prefix of a standard installation. */
  public static final String DEFAULT_PREFIX = "fleetq:";

  /** The keys of a standard installation. */
  public static final RedisKeys DEFAULT = new RedisKeys(DEFAULT_PREFIX);

  /** How long a {@link #delivered} mark lives; the reaper needs it only for a few rounds. */
  public static final Duration DELIVERY_MARK_TTL = Duration.ofDays(1);

  /** Checks the prefix. */
  public RedisKeys {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "key prefix must not contain white space: '" + prefix + "'");
    }
  }

  /** A unit's lease: a Redisson lock held by the worker that works on the unit. */
  public String unitLock(UnitKey unit) {
    return prefix + "lock:unit:" + unit;
  }

  /**
   * A suite run's lease: the id of the executor running it, with a short time to live that the
   * executor keeps renewing; gone once the result is sent or the executor died.
   */
  public String suiteLease(String runId) {
    return prefix + "suite-lease:" + runId;
  }

  /** A unit's projected state, a {@link UnitState} in JSON. */
  public String unit(UnitKey unit) {
    return prefix + "unit:" + unit;
  }

  /** The latest published attempt of a unit, a {@code WorkUnit} in JSON, for republishing it. */
  public String unitSpec(UnitKey unit) {
    return prefix + "unit-spec:" + unit;
  }

  /**
   * A unit's fencing epoch: the number of its current attempt. Only the coordinator writes it, and
   * only upwards; the gate refuses a candidate from any other attempt.
   */
  public String attempt(UnitKey unit) {
    return prefix + "attempt:" + unit;
  }

  /**
   * Set by the worker that took a delivery of this attempt of the unit, to its worker id, before it
   * tries the unit's lock. A unit still {@code PUBLISHED} with this key present was delivered and
   * not claimed; the reaper then sends it again, since Kafka may no longer hold a record of it.
   */
  public String delivered(UnitKey unit, int attempt) {
    return prefix + "delivered:" + unit + ":" + attempt;
  }

  /**
   * A token that the first coordinator to find it missing writes: a Redis without it has lost its
   * data (restarted without persistence, flushed or replaced), and coordinators rebuild what they
   * keep here from Kafka.
   */
  public String epoch() {
    return prefix + "epoch";
  }

  /** Set once, by the gate that lands the unit, to the commit it landed as. */
  public String landed(UnitKey unit) {
    return prefix + "landed:" + unit;
  }

  /** A job's projected state, a {@link JobState} in JSON. */
  public String job(JobId job) {
    return prefix + "job:" + job;
  }

  /** The job as it was submitted, a {@code JobSpec} in JSON. */
  public String jobSpec(JobId job) {
    return prefix + "job-spec:" + job;
  }

  /** The set of a job's unit ids. */
  public String jobUnits(JobId job) {
    return prefix + "job-units:" + job;
  }

  /** All job ids, scored by submission time in epoch milliseconds. */
  public String jobs() {
    return prefix + "jobs";
  }

  /** A worker's heartbeat, a {@link WorkerHeartbeat} in JSON that expires unless renewed. */
  public String worker(WorkerId worker) {
    return prefix + "worker:" + worker;
  }

  /** A repository's gate baseline, a {@link GateBaseline} in JSON. */
  public String gate(RepoId repo) {
    return prefix + "gate:" + repo;
  }

  /**
   * A repository's flaky tests: a hash from test id to how often the gate saw the test fail and
   * then pass when it ran the same candidate again.
   */
  public String flakes(RepoId repo) {
    return prefix + "flakes:" + repo;
  }

  /** A repository's current gate batch size, a decimal number, as the gate last set it. */
  public String gateBatchSize(RepoId repo) {
    return prefix + "gate-batch-size:" + repo;
  }

  /**
   * The gate's queue of a repository: a hash from a gate record's place ({@code
   * topic-partition@offset}) to the {@link QueuedRequest} it holds, for each request the gate has
   * read and not yet decided.
   */
  public String gateQueue(RepoId repo) {
    return prefix + "gate-queue:" + repo;
  }

  /**
   * A repository's most recent gate verdicts: a list of {@code GateVerdict} JSON, newest first,
   * capped by the gate.
   */
  public String gateVerdicts(RepoId repo) {
    return prefix + "gate-verdicts:" + repo;
  }

  /** The lease that elects the one instance of a singleton role, such as the lease reaper. */
  public String leader(String role) {
    return prefix + "leader:" + role;
  }
}
