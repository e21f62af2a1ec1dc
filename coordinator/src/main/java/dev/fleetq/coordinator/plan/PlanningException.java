package dev.fleetq.coordinator.plan;

/**
 * A job cannot be planned, for a reason that planning it again would not change: the repository
 * cannot be cloned, the test command is missing or too slow, it leaves no reports. The message is
 * the detail of the job's {@code FAILED} event, written for the engineer who submitted it.
 */
final class PlanningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PlanningException(String message) {
    super(message);
  }

  PlanningException(String message, Throwable cause) {
    super(message, cause);
  }
}
