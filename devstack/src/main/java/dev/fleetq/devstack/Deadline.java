package dev.fleetq.devstack;

import java.time.Duration;

/**
 * A point in time that a bounded wait must not pass, carried through nested calls so that one
 * timeout bounds a whole start or stop.
 *
 * <p>Measured on the monotonic {@link System#nanoTime()} clock, because a wall clock that jumps
 * would stretch or cut the wait. Immutable and thread-safe.
 */
final class Deadline {
  private final long deadlineNanos;
  private final Duration timeout;

  private Deadline(long deadlineNanos, Duration timeout) {
    this.deadlineNanos = deadlineNanos;
    this.timeout = timeout;
  }

  static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
  }

  /** The time left, never negative. */
  Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  boolean hasPassed() {
    return remaining().isZero();
  }

  /** The whole timeout this deadline was made from, for error messages. */
  Duration timeout() {
    return timeout;
  }

  /** The time since this deadline was made. */
  Duration elapsed() {
    return timeout.minus(Duration.ofNanos(deadlineNanos - System.nanoTime()));
  }
}
