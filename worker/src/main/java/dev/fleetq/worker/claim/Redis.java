package dev.fleetq.worker.claim;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Makes an asynchronous Redisson call and waits for it with a bound. Stateless and thread-safe. */
final class Redis {
  private Redis() {}

  /**
   * The call's result, or a {@link ClaimException} when Redis failed, did not answer within {@code
   * timeout}, or the client refused the call (it is shut down). An interrupt ends the wait with the
   * interrupt status set again.
   */
  static <T> T call(Supplier<? extends CompletionStage<T>> call, Duration timeout, String what) {
    try {
      return call.get().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClaimException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      throw new ClaimException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ClaimException(what + " took longer than " + timeout, e);
    } catch (RuntimeException e) {
      throw new ClaimException(what + " failed: " + e, e);
    }
  }
}
