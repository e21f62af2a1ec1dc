package dev.fleetq.worker.sandbox;

/**
 * This worker cannot run an agent where its job asks: no Docker engine for the job's image, an
 * image or a network the engine does not have, or a network the operator does not allow. The
 * attempt ends with {@code SANDBOX_UNAVAILABLE} and this message, which says what to change; the
 * agent never started.
 */
public final class SandboxUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SandboxUnavailableException(String message) {
    super(message);
  }

  SandboxUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
