package dev.fleetq.coordinator.gate;

import dev.fleetq.coordinator.LogContext;
import dev.fleetq.model.gate.GateRequest;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.id.RepoId;
import dev.fleetq.model.id.UnitKey;
import dev.fleetq.model.unit.Reason;
import dev.fleetq.model.unit.UnitStatus;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes records of the gate topic from bytes to recorded verdicts: decodes them (a record that is
 * not a valid {@link GateRequest} goes to the dead-letter topic), lets the {@link BatchGate} decide
 * the requests of each repository as one batch, and emits the verdict's event: {@code LANDED} with
 * the landed commit on the first line of its detail, or {@code RETRYING} with the reason and the
 * refusal in its detail, then records the verdict in the {@link VerdictLog} and takes the request
 * off the {@link GateQueue}. A unit that lands is confirmed in the {@link GateLedger} only after
 * its {@code LANDED} event is acknowledged, so a landing whose report was lost is told apart from
 * one that was reported. Once a batch's verdicts are out, its candidates' branches are deleted from
 * the origin ({@link BranchCleanup}). A repository's requests for the same unit are decided one
 * after the other, so that the second sees the first's landing.
 *
 * <p>A decision that fails for an unexpected reason (Redis, Kafka or the origin unreachable) is
 * tried again after a pause, a bounded number of times; then the record is dead-lettered and the
 * attempt ended with {@code PUSH_FAILED}, so that a broken request never blocks its repository.
 * Emitting a decision's event is retried on its own, so a broker hiccup never decides twice.
 *
 * <p>Thread-safe: it keeps no state per request; executor threads call it concurrently for
 * different repositories.
 */
final class RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

  private final BatchGate gates;
  private final GateEvents events;
  private final GateMetrics metrics;
  private final GateLedger ledger;
  private final GateQueue queue;
  private final VerdictLog verdicts;
  private final BranchCleanup branches;
  private final BatchSizes sizes;
  private final Clock clock;
  private final int failureAttempts;
  private final Duration failureBackoff;
  private final CountDownLatch closing;

  /**
   * @param closing counted down when the gate closes; it cuts the pause between tries short
   */
  RequestHandler(
      BatchGate gates,
      GateEvents events,
      GateMetrics metrics,
      GateLedger ledger,
      GateQueue queue,
      VerdictLog verdicts,
      BranchCleanup branches,
      BatchSizes sizes,
      Clock clock,
      int failureAttempts,
      Duration failureBackoff,
      CountDownLatch closing) {
    this.gates = gates;
    this.events = events;
    this.metrics = metrics;
    this.ledger = ledger;
    this.queue = queue;
    this.verdicts = verdicts;
    this.branches = branches;
    this.sizes = sizes;
    this.clock = clock;
    this.failureAttempts = failureAttempts;
    this.failureBackoff = failureBackoff;
    this.closing = closing;
  }

  /**
   * Handles the records until every verdict (or dead letter) is recorded: the requests of each
   * repository among them are decided together, as one batch.
   *
   * @throws CancellationException when the gate closes first; the records are not all recorded
   */
  void handle(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<RepoId, List<Pending>> byRepo = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      try {
        GateRequest request =
            Json.decode(record.value() == null ? new byte[0] : record.value(), GateRequest.class);
        byRepo
            .computeIfAbsent(request.repoId(), r -> new ArrayList<>())
            .add(new Pending(record, request));
      } catch (InvalidMessageException e) {
        log.warn("Dead-lettering gate record at offset {}: {}", record.offset(), e.getMessage());
        retrying(
            "dead-lettering",
            () -> {
              events.deadLetter(record, e);
              return null;
            });
      }
    }
    for (List<Pending> requests : byRepo.values()) {
      waves(requests).forEach(this::decideBatch);
    }
  }

  /** The requests in order, split so that no unit is twice in one batch. */
  private static List<List<Pending>> waves(List<Pending> requests) {
    List<List<Pending>> waves = new ArrayList<>();
    Map<UnitKey, Integer> seen = new HashMap<>();
    for (Pending pending : requests) {
      int wave = seen.merge(pending.request().key(), 1, Integer::sum) - 1;
      if (wave == waves.size()) {
        waves.add(new ArrayList<>());
      }
      waves.get(wave).add(pending);
    }
    return waves;
  }

  private void decideBatch(List<Pending> batch) {
    List<GateRequest> requests = batch.stream().map(Pending::request).toList();
    String what = batch.size() == 1 ? requests.get(0).key().toString() : batch.size() + " requests";
    List<Decision> decisions;
    try {
      decisions =
          batch.size() == 1
              ? LogContext.inUnit(
                  requests.get(0).key(),
                  () -> retrying("gating " + what, () -> gates.decide(requests)))
              : retrying("gating " + what, () -> gates.decide(requests));
    } catch (GaveUp e) {
      for (Pending pending : batch) {
        retrying(
            "giving up on " + pending.request().key(),
            () -> {
              events.deadLetter(pending.record(), e.last());
              events.emit(
                  pending.request(),
                  UnitStatus.RETRYING,
                  Reason.PUSH_FAILED,
                  "The gate could not test the candidate: " + e.last().getMessage());
              return null;
            });
        Decision gaveUp =
            new Decision.Builder(pending.request(), clock.instant(), clock)
                .refuse(Reason.PUSH_FAILED, "The gate could not test the candidate.");
        recorded(pending, gaveUp.verdict());
      }
      return;
    }
    metrics.batch(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Pending pending = batch.get(i);
      Decision decision = decisions.get(i);
      LogContext.inUnit(pending.request().key(), () -> report(pending, decision));
    }
    branches.decided(requests);
    sizes.decided(requests.get(0).repoId(), decisions.stream().map(Decision::verdict).toList());
  }

  private void report(Pending pending, Decision decision) {
    GateRequest request = pending.request();
    GateVerdict verdict = decision.verdict();
    if (decision.announced()) {
      retrying(
          "reporting the verdict on " + request.key(),
          () -> {
            switch (verdict.outcome()) {
              case LANDED -> events.emit(request, UnitStatus.LANDED, null, decision.detail());
              case SUPERSEDED ->
                  events.emit(request, UnitStatus.SUPERSEDED, null, decision.detail());
              case REFUSED ->
                  events.emit(
                      request,
                      UnitStatus.RETRYING,
                      verdict.reason(),
                      decision.detail(),
                      verdict.brokenTests());
            }
            return null;
          });
      metrics.verdict(request, verdict);
    }
    if (verdict.outcome() == GateVerdict.Outcome.LANDED) {
      confirm(request, verdict.landedCommit());
    }
    recorded(pending, verdict);
  }

  /**
   * Confirms a reported landing. When this fails the mark expires after its lease, and the next
   * request for the unit reports the landing again: a second {@code LANDED}, which changes nothing.
   */
  private void confirm(GateRequest request, String commit) {
    try {
      if (!ledger.confirmLanded(request.key(), commit)) {
        log.warn("The landing mark of {} no longer names {}", request.key(), commit);
      }
    } catch (RuntimeException e) {
      log.warn("Could not confirm the landing of {}: {}", request.key(), e.toString());
    }
  }

  private void recorded(Pending pending, GateVerdict verdict) {
    verdicts.record(verdict);
    queue.decided(pending.record(), pending.request().repoId());
  }

  /** A decoded request and the record it came in. */
  private record Pending(ConsumerRecord<byte[], byte[]> record, GateRequest request) {}

  /** Runs {@code step}, trying again after a pause when it fails, up to the bound. */
  private <T> T retrying(String what, Supplier<T> step) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= failureAttempts; attempt++) {
      try {
        return step.get();
      } catch (CancellationException e) {
        throw e;
      } catch (RuntimeException e) {
        last = e;
        log.warn("{} failed (try {} of {}): {}", what, attempt, failureAttempts, e.toString());
        if (attempt < failureAttempts) {
          pause(what);
        }
      }
    }
    throw new GaveUp(what, last);
  }

  private void pause(String what) {
    try {
      if (closing.await(failureBackoff.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new CancellationException("the gate closed while " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while " + what);
    }
  }

  /** A step failed on every try. */
  static final class GaveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RuntimeException last;

    GaveUp(String what, RuntimeException last) {
      super(what + " failed on every try", last);
      this.last = last;
    }

    /** The failure of the last try. */
    RuntimeException last() {
      return last;
    }
  }
}
