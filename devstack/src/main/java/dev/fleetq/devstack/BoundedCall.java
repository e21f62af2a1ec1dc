package dev.fleetq.devstack;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a blocking call that takes no timeout of its own (Kafka's server startup and shutdown) on a
 * fresh daemon thread, so that the caller waits no longer than its deadline.
 *
 * <p>Stateless and thread-safe. A call that overruns keeps running on its daemon thread; the caller
 * gets a {@link DevStackException} and moves on.
 */
final class BoundedCall {
  private BoundedCall() {}

  static void run(String threadName, Runnable call, Deadline deadline, String what) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                call.run();
                done.complete(null);
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
    try {
      done.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new DevStackException("could not " + what + " within " + deadline.timeout(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new DevStackException("could not " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("interrupted while trying to " + what, e);
    }
  }
}
