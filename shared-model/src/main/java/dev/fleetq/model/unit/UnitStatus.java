package dev.fleetq.model.unit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a unit is in its life, with the one table of the moves it may make:
 *
 * <pre>
 * PUBLISHED → CLAIMED → RUNNING → PUSHED → GATING → LANDED
 * CLAIMED, RUNNING, PUSHED, GATING → RETRYING → PUBLISHED (next attempt)
 * CLAIMED, RUNNING, PUSHED, GATING, RETRYING → FAILED
 * PUBLISHED, CLAIMED, RUNNING, PUSHED, GATING → SUPERSEDED
 * any state that is not terminal → CANCELLED
 * </pre>
 *
 * Every unit ends in {@code LANDED}, {@code SUPERSEDED}, {@code FAILED} or {@code CANCELLED}.
 */
public enum UnitStatus {
  /** On the units topic, waiting for a worker. */
  PUBLISHED,
  /** A worker holds the unit's lease. */
  CLAIMED,
  /** The agent is working on it. */
  RUNNING,
  /** The worker pushed a candidate branch and asked the gate to land it. */
  PUSHED,
  /** The gate is testing the candidate. */
  GATING,
  /** The candidate is on the main branch. Terminal. */
  LANDED,
  /**
   * Main already does the unit's work: its target tests pass there (another unit's landing fixed
   * them), so nothing of it lands. Terminal; the event's detail names the main commit.
   */
  SUPERSEDED,
  /** The attempt ended without landing; the unit will be published again. */
  RETRYING,
  /** The unit used up its attempts or cannot succeed. Terminal. */
  FAILED,
  /** The job was cancelled. Terminal. */
  CANCELLED;

  private static final Map<UnitStatus, Set<UnitStatus>> MOVES = moves();

  /** Whether the lifecycle allows moving from this state to {@code next}. */
  public boolean canMoveTo(UnitStatus next) {
    return MOVES.get(this).contains(Objects.requireNonNull(next, "next"));
  }

  /**
   * Returns {@code next} if the lifecycle allows moving there from this state.
   *
   * @throws IllegalTransitionException if it does not
   */
  public UnitStatus moveTo(UnitStatus next) {
    if (!canMoveTo(next)) {
      throw new IllegalTransitionException(this, next);
    }
    return next;
  }

  /** The states this one may move to: none for a terminal state. */
  public Set<UnitStatus> nextStates() {
    return MOVES.get(this);
  }

  /** Whether the unit's life is over: landed, superseded, failed or cancelled. */
  public boolean isTerminal() {
    return MOVES.get(this).isEmpty();
  }

  /** Whether the unit's work is on main: it landed, or it was superseded by another's landing. */
  public boolean isOnMain() {
    return this == LANDED || this == SUPERSEDED;
  }

  /**
   * Whether the unit was ended by someone other than the worker and gate that hold it: cancelled,
   * or superseded by another unit's landing. A worker stops such a unit's agent, and the gate lands
   * nothing of it.
   */
  public boolean isEndedElsewhere() {
    return this == CANCELLED || this == SUPERSEDED;
  }

  private static Map<UnitStatus, Set<UnitStatus>> moves() {
    Map<UnitStatus, Set<UnitStatus>> moves = new EnumMap<>(UnitStatus.class);
    moves.put(PUBLISHED, EnumSet.of(CLAIMED, SUPERSEDED, CANCELLED));
    moves.put(CLAIMED, EnumSet.of(RUNNING, RETRYING, FAILED, SUPERSEDED, CANCELLED));
    moves.put(RUNNING, EnumSet.of(PUSHED, RETRYING, FAILED, SUPERSEDED, CANCELLED));
    moves.put(PUSHED, EnumSet.of(GATING, RETRYING, FAILED, SUPERSEDED, CANCELLED));
    moves.put(GATING, EnumSet.of(LANDED, RETRYING, FAILED, SUPERSEDED, CANCELLED));
    moves.put(RETRYING, EnumSet.of(PUBLISHED, FAILED, CANCELLED));
    moves.put(LANDED, EnumSet.noneOf(UnitStatus.class));
    moves.put(SUPERSEDED, EnumSet.noneOf(UnitStatus.class));
    moves.put(FAILED, EnumSet.noneOf(UnitStatus.class));
    moves.put(CANCELLED, EnumSet.noneOf(UnitStatus.class));
    moves.replaceAll((from, to) -> Collections.unmodifiableSet(to));
    return Collections.unmodifiableMap(moves);
  }
}
