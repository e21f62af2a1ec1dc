package dev.fleetq.worker.claim;

/**
 * Redis did not answer a claim or a release within its bound, or answered with an error. Retryable:
 * the unit's record is handed back to the share group and delivered again. Immutable once thrown,
 * like every exception.
 */
public final class ClaimException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClaimException(String message, Throwable cause) {
    super(message, cause);
  }
}
