package dev.fleetq.model.unit;

/**
 * A unit asked to move between two states that the lifecycle does not connect, such as from {@code
 * LANDED} back to {@code RUNNING}. It signals a bug in the caller, not a lost race: a caller that
 * may race checks {@link UnitStatus#canMoveTo(UnitStatus)} first.
 */
public final class IllegalTransitionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final UnitStatus from;
  private final UnitStatus to;

  /** Creates the exception for the refused move. */
  public IllegalTransitionException(UnitStatus from, UnitStatus to) {
    super("a unit cannot move from " + from + " to " + to);
    this.from = from;
    this.to = to;
  }

  /** The state the unit is in. */
  public UnitStatus from() {
    return from;
  }

  /** The state it was asked to move to. */
  public UnitStatus to() {
    return to;
  }
}
