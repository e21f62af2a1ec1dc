package dev.fleetq.coordinator.state;

import dev.fleetq.model.state.AttemptFailure;
import dev.fleetq.model.state.UnitState;
import dev.fleetq.model.unit.UnitEvent;
import dev.fleetq.model.unit.UnitStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure fold of one unit's events into its projected state: {@code state + event -> state}, with
 * no I/O, so that it can be tested alone and replaying a log always gives the same state.
 *
 * <ul>
 *   <li>An event for the unit's current attempt moves the unit when the lifecycle allows it: when
 *       the new status can be reached from the current one by moves that {@link
 *       UnitStatus#canMoveTo} allows within one attempt. A worker's, the gate's and the
 *       coordinator's events for a unit can reach the topic out of order (the gate's {@code GATING}
 *       before the worker's {@code PUSHED}); accepting a forward move over a skipped step keeps the
 *       unit from sticking, and a late event for a step already passed changes nothing.
 *   <li>An event for an older attempt only adds to the unit's history: the failure of a {@code
 *       RETRYING} event is recorded if it is missing.
 *   <li>An event for a newer attempt starts that attempt in the event's status, unless the unit has
 *       already ended ({@code LANDED}, {@code FAILED}, {@code CANCELLED}).
 * </ul>
 *
 * Applying an event that the state already reflects returns the same instance, which is how callers
 * know that nothing changed; the fold is therefore idempotent.
 *
 * <p>Stateless and thread-safe.
 */
final class UnitFold {
  /** Per status, the statuses reachable from it within one attempt. */
  private static final Map<UnitStatus, Set<UnitStatus>> REACHABLE = reachable();

  private UnitFold() {}

  /**
   * The state after {@code event}.
   *
   * @param current the state so far, or null before the unit's first event
   * @return {@code current} itself when the event changes nothing
   */
  static UnitState apply(UnitState current, UnitEvent event) {
    if (current == null) {
      return start(null, event);
    }
    if (event.attempt() < current.attempt()) {
      return remember(current, event);
    }
    if (event.attempt() > current.attempt()) {
      return current.status().isTerminal() ? remember(current, event) : start(current, event);
    }
    return canReach(current.status(), event.status()) ? move(current, event) : current;
  }

  /** Whether {@code to} follows {@code from} within one attempt, directly or over skipped steps. */
  static boolean canReach(UnitStatus from, UnitStatus to) {
    return REACHABLE.get(from).contains(to);
  }

  private static UnitState start(UnitState previous, UnitEvent event) {
    return new UnitState(
        event.jobId(),
        event.unitId(),
        previous == null ? null : previous.title(),
        event.status(),
        event.attempt(),
        event.worker(),
        withFailure(previous == null ? List.of() : previous.failures(), event),
        null,
        event.at());
  }

  private static UnitState move(UnitState current, UnitEvent event) {
    return new UnitState(
        current.jobId(),
        current.unitId(),
        current.title(),
        event.status(),
        current.attempt(),
        event.worker() != null ? event.worker() : current.worker(),
        withFailure(current.failures(), event),
        current.landedCommit(),
        event.at());
  }

  private static UnitState remember(UnitState current, UnitEvent event) {
    List<AttemptFailure> failures = withFailure(current.failures(), event);
    if (failures == current.failures()) {
      return current;
    }
    return new UnitState(
        current.jobId(),
        current.unitId(),
        current.title(),
        current.status(),
        current.attempt(),
        current.worker(),
        failures,
        current.landedCommit(),
        current.updatedAt());
  }

  /** The failures plus the event's, oldest first; the same list when there is nothing to add. */
  private static List<AttemptFailure> withFailure(List<AttemptFailure> failures, UnitEvent event) {
    if (event.status() != UnitStatus.RETRYING || event.reason() == null) {
      return failures;
    }
    if (failures.stream().anyMatch(failure -> failure.attempt() == event.attempt())) {
      return failures;
    }
    List<AttemptFailure> more = new ArrayList<>(failures);
    more.add(new AttemptFailure(event.attempt(), event.reason(), event.detail()));
    more.sort(Comparator.comparingInt(AttemptFailure::attempt));
    return List.copyOf(more);
  }

  private static Map<UnitStatus, Set<UnitStatus>> reachable() {
    Map<UnitStatus, Set<UnitStatus>> reachable = new EnumMap<>(UnitStatus.class);
    for (UnitStatus from : UnitStatus.values()) {
      Set<UnitStatus> seen = EnumSet.noneOf(UnitStatus.class);
      Deque<UnitStatus> next = new ArrayDeque<>(withinAttempt(from));
      while (!next.isEmpty()) {
        UnitStatus status = next.pop();
        if (seen.add(status)) {
          next.addAll(withinAttempt(status));
        }
      }
      reachable.put(from, Collections.unmodifiableSet(seen));
    }
    return Collections.unmodifiableMap(reachable);
  }

  /** The direct moves from a status, without RETRYING → PUBLISHED, which starts a new attempt. */
  private static Set<UnitStatus> withinAttempt(UnitStatus from) {
    Set<UnitStatus> moves = EnumSet.noneOf(UnitStatus.class);
    moves.addAll(from.nextStates());
    if (from == UnitStatus.RETRYING) {
      moves.remove(UnitStatus.PUBLISHED);
    }
    return moves;
  }
}
