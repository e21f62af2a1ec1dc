package dev.fleetq.model.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReasonTest {

  @Test
  void onlyStaleAttemptsCancellationAndExhaustionAreFinal() {
    assertThat(Arrays.stream(Reason.values()).filter(r -> !r.retryable()))
        .as("reasons that are not retryable")
        .containsExactlyInAnyOrder(
            Reason.STALE_ATTEMPT, Reason.CANCELLED, Reason.ATTEMPTS_EXHAUSTED);
  }

  @Test
  void jobStatusIsTerminalOnlyWhenItEnded() {
    assertThat(Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal))
        .as("terminal job states")
        .containsExactly(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED);
  }
}
