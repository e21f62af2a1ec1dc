package dev.fleetq.coordinator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Whether the coordinator can do its work now, and what each of its checks found: {@value #OK}, or
 * what is wrong in words that name the part, such as {@code Redis did not answer within PT2S}. The
 * HTTP API shows it at {@code /readyz}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param checks each check's name and finding, in the order the checks were made
 */
public record Readiness(Map<String, String> checks) {
  /** The finding of a check that passed. */
  public static final String OK = "ok";

  /** Copies the findings, keeping their order. */
  public Readiness {
    checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
  }

  /** Whether there were checks and every one passed. */
  public boolean ready() {
    return !checks.isEmpty() && checks.values().stream().allMatch(OK::equals);
  }

  /** The findings of the checks that did not pass, joined by {@code "; "}; empty when ready. */
  public String problems() {
    return checks.values().stream()
        .filter(finding -> !finding.equals(OK))
        .collect(Collectors.joining("; "));
  }
}
