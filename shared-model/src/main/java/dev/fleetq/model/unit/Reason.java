package dev.fleetq.model.unit;

/**
 * Why an attempt at a unit ended without landing. The coordinator decides from {@link #retryable()}
 * alone whether the unit gets another attempt (while it has attempts left).
 */
public enum Reason {
  /** The agent command exited with a non-zero status. */
  AGENT_FAILED(true),
  /** The agent or the gate's test run took longer than its timeout. */
  TIMED_OUT(true),
  /** The worker lost the unit's lease, for example after a long pause or a network partition. */
  LEASE_LOST(true),
  /** Merging the main branch into the unit's branch, or the unit into main, conflicted. */
  CONFLICT(true),
  /** The agent finished without changing any file. */
  NO_CHANGES(true),
  /** Pushing the candidate branch failed. */
  PUSH_FAILED(true),
  /**
   * The gate found a test that passed before and fails with the candidate, or a candidate that
   * undid another unit's goal: a target test that the other unit's candidate makes pass fails once
   * this one is merged too.
   */
  REGRESSION(true),
  /**
   * The candidate broke nothing, but one of its unit's target tests still fails, errors, is skipped
   * or is missing with it merged: the unit's work is not done.
   */
  TARGET_STILL_FAILING(true),
  /** A newer attempt of the unit exists, so this one no longer counts. */
  STALE_ATTEMPT(false),
  /** The candidate changed files outside the unit's scope. */
  OUT_OF_SCOPE(true),
  /** The candidate changed a protected path such as CI configuration or secrets. */
  PROTECTED_PATH(true),
  /** The candidate edited a test that was passing, which would weaken the gate's oracle. */
  TEST_EDIT(true),
  /** The candidate deleted or disabled a test that was passing. */
  TEST_REMOVED(true),
  /** The unit used up its attempts; the reason of the final failure. */
  ATTEMPTS_EXHAUSTED(false),
  /** The job was cancelled. */
  CANCELLED(false),
  /** The worker shut down and handed the unit back before finishing it. */
  WORKER_SHUTDOWN(true),
  /**
   * The worker cannot run the agent where its job asks: it has no Docker engine for the job's
   * image, the engine lacks the image or the network, or its operator does not allow the network.
   * Another worker of the fleet may be able to.
   */
  SANDBOX_UNAVAILABLE(true);

  private final boolean retryable;

  Reason(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether another attempt could succeed where this one did not. */
  public boolean retryable() {
    return retryable;
  }
}
