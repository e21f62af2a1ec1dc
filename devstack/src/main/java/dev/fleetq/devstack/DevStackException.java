package dev.fleetq.devstack;

/**
 * Thrown when the embedded Kafka broker or Redis server cannot start, answer in time, or stop.
 *
 * <p>Unchecked, like every failure in fleetq's synchronous code; the message names the server and
 * the timeout that ran out.
 */
public final class DevStackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DevStackException(String message) {
    super(message);
  }

  DevStackException(String message, Throwable cause) {
    super(message, cause);
  }
}
