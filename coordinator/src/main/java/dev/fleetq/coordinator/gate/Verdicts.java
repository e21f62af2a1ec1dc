package dev.fleetq.coordinator.gate;

import dev.fleetq.model.gate.GateRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The decisions of one batch as they are made: each request's {@link Decision.Builder}, the suite
 * runs and flaky tests the batch has seen so far (every verdict of the batch reports them), and the
 * decisions made.
 *
 * <p>Not thread-safe; owned by the thread that decides the batch.
 */
final class Verdicts {
  private final List<GateRequest> requests;
  private final List<Decision.Builder> builders = new ArrayList<>();
  private final Decision[] decisions;
  private final List<String> flaky = new ArrayList<>();
  private int suiteRuns;

  Verdicts(List<GateRequest> requests, Clock clock) {
    this.requests = List.copyOf(requests);
    this.decisions = new Decision[requests.size()];
    for (GateRequest request : requests) {
      builders.add(new Decision.Builder(request, clock.instant(), clock));
    }
  }

  int size() {
    return requests.size();
  }

  GateRequest request(int index) {
    return requests.get(index);
  }

  Decision.Builder builder(int index) {
    return builders.get(index);
  }

  void countRun() {
    suiteRuns++;
  }

  int suiteRuns() {
    return suiteRuns;
  }

  void flaky(List<String> tests) {
    tests.stream().filter(test -> !flaky.contains(test)).forEach(flaky::add);
  }

  /** Decides request {@code index} with its builder, which reports the batch's runs so far. */
  void decide(int index, Function<Decision.Builder, Decision> how) {
    Decision.Builder builder = builders.get(index);
    builder.suiteRuns(suiteRuns);
    builder.flaky(flaky);
    decisions[index] = how.apply(builder);
  }

  void decide(int index, Decision decision) {
    decisions[index] = decision;
  }

  boolean decided(int index) {
    return decisions[index] != null;
  }

  /** Every decision, in request order; null for a request not decided. */
  List<Decision> all() {
    return Arrays.asList(decisions.clone());
  }
}
