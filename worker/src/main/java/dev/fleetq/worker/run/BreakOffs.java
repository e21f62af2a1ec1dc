package dev.fleetq.worker.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Attempts that broke off for the worker's own reasons (a repository it cannot fetch, a work
 * directory it cannot write), and how long the take loop therefore waits before it takes the next
 * unit. Without it, a broken worker would take unit after unit and hand each back within
 * milliseconds, using up their attempts while healthy workers stand by. The wait doubles with each
 * break-off in a row, from {@link #FIRST_PAUSE} to {@link #MAX_PAUSE}, and ends with the first
 * attempt that gets as far as running its agent.
 *
 * <p>Thread-safe: slot threads record, the take loop asks.
 */
public final class BreakOffs {
  /** The pause after one break-off. */
  public static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

  /** The longest pause, however many attempts broke off in a row. */
  public static final Duration MAX_PAUSE = Duration.ofMinutes(1);

  private final Clock clock;
  private int inARow;
  private Instant pauseEnds = Instant.MIN;

  public BreakOffs(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** An attempt broke off; returns how long the take loop now pauses. */
  synchronized Duration brokeOff() {
    inARow++;
    Duration pause = FIRST_PAUSE.multipliedBy(1L << Math.min(inARow - 1, 10));
    if (pause.compareTo(MAX_PAUSE) > 0) {
      pause = MAX_PAUSE;
    }
    pauseEnds = clock.instant().plus(pause);
    return pause;
  }

  /** An attempt got as far as running its agent: the worker can do its part again. */
  synchronized void recovered() {
    inARow = 0;
    pauseEnds = Instant.MIN;
  }

  /** How much longer the take loop pauses; zero when it may take units. */
  public synchronized Duration pauseLeft() {
    Instant now = clock.instant();
    return now.isBefore(pauseEnds) ? Duration.between(now, pauseEnds) : Duration.ZERO;
  }
}
