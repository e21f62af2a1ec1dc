package dev.fleetq.model.unit;

import static dev.fleetq.model.unit.UnitStatus.CANCELLED;
import static dev.fleetq.model.unit.UnitStatus.CLAIMED;
import static dev.fleetq.model.unit.UnitStatus.FAILED;
import static dev.fleetq.model.unit.UnitStatus.GATING;
import static dev.fleetq.model.unit.UnitStatus.LANDED;
import static dev.fleetq.model.unit.UnitStatus.PUBLISHED;
import static dev.fleetq.model.unit.UnitStatus.PUSHED;
import static dev.fleetq.model.unit.UnitStatus.RETRYING;
import static dev.fleetq.model.unit.UnitStatus.RUNNING;
import static dev.fleetq.model.unit.UnitStatus.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class UnitStatusTest {

  /** The lifecycle of DESIGN.md, written out independently of the production table. */
  private static final Map<UnitStatus, Set<UnitStatus>> LEGAL =
      Map.of(
          PUBLISHED, EnumSet.of(CLAIMED, SUPERSEDED, CANCELLED),
          CLAIMED, EnumSet.of(RUNNING, RETRYING, FAILED, SUPERSEDED, CANCELLED),
          RUNNING, EnumSet.of(PUSHED, RETRYING, FAILED, SUPERSEDED, CANCELLED),
          PUSHED, EnumSet.of(GATING, RETRYING, FAILED, SUPERSEDED, CANCELLED),
          GATING, EnumSet.of(LANDED, RETRYING, FAILED, SUPERSEDED, CANCELLED),
          RETRYING, EnumSet.of(PUBLISHED, FAILED, CANCELLED),
          LANDED, EnumSet.noneOf(UnitStatus.class),
          SUPERSEDED, EnumSet.noneOf(UnitStatus.class),
          FAILED, EnumSet.noneOf(UnitStatus.class),
          CANCELLED, EnumSet.noneOf(UnitStatus.class));

  static Stream<Arguments> everyPair() {
    return Arrays.stream(UnitStatus.values())
        .flatMap(from -> Arrays.stream(UnitStatus.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void legalMoveIsAllowedAndEveryOtherMoveThrows(UnitStatus from, UnitStatus to) {
    boolean legal = LEGAL.get(from).contains(to);

    assertThat(from.canMoveTo(to)).as("%s may move to %s", from, to).isEqualTo(legal);
    if (legal) {
      assertThat(from.moveTo(to)).as("state after moving").isEqualTo(to);
    } else {
      IllegalTransitionException e =
          catchThrowableOfType(IllegalTransitionException.class, () -> from.moveTo(to));
      assertThat(e).as("refusal of %s -> %s", from, to).isNotNull();
      assertThat(e.from()).as("from").isEqualTo(from);
      assertThat(e.to()).as("to").isEqualTo(to);
      assertThat(e.getMessage()).as("message").contains(from.name(), to.name());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = UnitStatus.class,
      names = {"LANDED", "SUPERSEDED", "FAILED", "CANCELLED"})
  void terminalStateHasNoExit(UnitStatus status) {
    assertThat(status.isTerminal()).as("terminal").isTrue();
    assertThat(status.nextStates()).as("exits").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = UnitStatus.class,
      names = {"LANDED", "SUPERSEDED", "FAILED", "CANCELLED"},
      mode = EnumSource.Mode.EXCLUDE)
  void everyLiveStateCanBeCancelled(UnitStatus status) {
    assertThat(status.isTerminal()).as("terminal").isFalse();
    assertThat(status.canMoveTo(CANCELLED)).as("can be cancelled").isTrue();
  }

  @Test
  void aUnitCanLandOnTheHappyPathAndAfterARetry() {
    UnitStatus status = PUBLISHED;
    for (UnitStatus next :
        new UnitStatus[] {
          CLAIMED, RUNNING, RETRYING, PUBLISHED, CLAIMED, RUNNING, PUSHED, GATING, LANDED
        }) {
      status = status.moveTo(next);
    }

    assertThat(status).as("final state").isEqualTo(LANDED);
  }

  @Test
  void onlyLandedAndSupersededUnitsHaveTheirWorkOnMain() {
    assertThat(Arrays.stream(UnitStatus.values()).filter(UnitStatus::isOnMain))
        .as("states whose work is on main")
        .containsExactly(LANDED, SUPERSEDED);
  }
}
