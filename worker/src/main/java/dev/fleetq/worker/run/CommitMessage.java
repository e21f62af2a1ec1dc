package dev.fleetq.worker.run;

import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.WorkUnit;

/**
 * The message of a unit's commit: the unit's title as the subject, then, after a blank line, the
 * provenance trailers that git reads with {@code git interpret-trailers} and {@code %(trailers)}.
 *
 * <p>Stateless and thread-safe.
 */
final class CommitMessage {
  static final String JOB = "Fleetq-Job";
  static final String UNIT = "Fleetq-Unit";
  static final String ATTEMPT = "Fleetq-Attempt";
  static final String WORKER = "Fleetq-Worker";

  private CommitMessage() {}

  static String of(WorkUnit unit, WorkerId worker) {
    // A title is one line for people, but a subject line must be one line for git.
    String subject = unit.title().strip().replaceAll("\\s+", " ");
    return subject
        + "\n\n"
        + JOB
        + ": "
        + unit.jobId()
        + "\n"
        + UNIT
        + ": "
        + unit.unitId()
        + "\n"
        + ATTEMPT
        + ": "
        + unit.attempt()
        + "\n"
        + WORKER
        + ": "
        + worker
        + "\n";
  }
}
