package dev.fleetq.model.unit;

/** Where a job is in its life, as reported by {@link JobEvent}s. */
public enum JobStatus {
  /** Intake checked the job and recorded it. */
  ACCEPTED,
  /** The planner is turning the job into units. */
  PLANNING,
  /** Its units are published and being worked on. */
  RUNNING,
  /** Every unit landed. Terminal. */
  SUCCEEDED,
  /** Every unit ended and at least one did not land. Terminal. */
  FAILED,
  /** The job was cancelled. Terminal. */
  CANCELLED;

  /** Whether the job's life is over. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
