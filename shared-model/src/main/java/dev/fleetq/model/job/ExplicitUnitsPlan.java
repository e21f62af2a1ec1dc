package dev.fleetq.model.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Limits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan whose units the submitter lists, one {@link UnitSpec} each.
 *
 * @param units 1 to {@value Limits#MAX_UNITS_PER_JOB} units with distinct ids
 */
public record ExplicitUnitsPlan(@JsonProperty("units") List<UnitSpec> units) implements Plan {

  /** The plan's {@code kind} on the wire. */
  public static final String KIND = "units";

  /** Checks the number of units and that their ids are distinct. */
  public ExplicitUnitsPlan {
    Check.requireNonNull("units", units);
    units = Check.list("units", units, Limits.MAX_UNITS_PER_JOB);
    if (units.isEmpty()) {
      throw new InvalidMessageException("units", "must not be empty");
    }
    Map<UnitId, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < units.size(); i++) {
      Integer previous = firstIndex.putIfAbsent(units.get(i).id(), i);
      if (previous != null) {
        throw new InvalidMessageException(
            "units[" + i + "].id",
            "duplicate unit id " + Check.quote(units.get(i).id().value()),
            "units[" + previous + "]");
      }
    }
  }
}
