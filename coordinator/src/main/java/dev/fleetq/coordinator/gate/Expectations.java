package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.id.UnitKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a chain of merged candidates must pass at each of its prefixes: every test that passes on
 * main, from prefix 0 on (the rule: no candidate may break a passing test), and each candidate's
 * target tests from its own merge on (the goal: a unit lands only when its work is done). A target
 * that already passes on main is held to the rule instead; one that two candidates share is
 * expected from the first of them.
 *
 * <p>Immutable.
 *
 * @param passing the tests that pass on main
 * @param targetsFrom each target test that does not pass on main, by the prefix it is expected
 *     from: the position of its candidate in the chain, from 1
 * @param owners each of those target tests by the unit whose target it is
 */
record Expectations(
    Set<String> passing, Map<String, Integer> targetsFrom, Map<String, UnitKey> owners) {

  Expectations {
    passing = Set.copyOf(passing);
    targetsFrom = Map.copyOf(targetsFrom);
    owners = Map.copyOf(owners);
  }

  /** The expectations of {@code chain}, whose candidates are requests of {@code verdicts}. */
  static Expectations of(Set<String> passing, Verdicts verdicts, BatchGate.Chain chain) {
    Map<String, Integer> from = new LinkedHashMap<>();
    Map<String, UnitKey> owners = new HashMap<>();
    for (int prefix = 1; prefix <= chain.size(); prefix++) {
      GateRequest request = verdicts.request(chain.members().get(prefix - 1));
      for (String test : request.targetTests()) {
        if (!passing.contains(test) && from.putIfAbsent(test, prefix) == null) {
          owners.put(test, request.key());
        }
      }
    }
    return new Expectations(passing, from, owners);
  }

  /** Every test the whole chain must pass. */
  Set<String> all() {
    Set<String> all = new HashSet<>(passing);
    all.addAll(targetsFrom.keySet());
    return all;
  }

  /** The prefix from which {@code test} must pass: 0 for a test that passes on main. */
  int from(String test) {
    return targetsFrom.getOrDefault(test, 0);
  }

  /** The unit whose target {@code test} is, when it is a target test that fails on main. */
  Optional<UnitKey> owner(String test) {
    return Optional.ofNullable(owners.get(test));
  }
}
