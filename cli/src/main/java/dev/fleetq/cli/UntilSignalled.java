package dev.fleetq.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a started deployable until the JVM is told to stop (SIGTERM, Ctrl-C), then closes it from
 * the shutdown hook, so that closing (handing back units, stopping consumers) happens before exit.
 */
final class UntilSignalled {
  private UntilSignalled() {}

  /** Blocks the calling thread until the shutdown hook has closed {@code deployable}. */
  static void run(String name, AutoCloseable deployable) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    deployable.close();
                  } catch (Exception e) {
                    System.err.println("fleetq: " + name + " did not close cleanly: " + e);
                  } finally {
                    closed.countDown();
                  }
                },
                "fleetq-shutdown"));
    System.err.println("fleetq " + name + " started; Ctrl-C or SIGTERM stops it");
    closed.await();
  }
}
