package dev.fleetq.cli.demo;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Blocks until Ctrl-C or SIGTERM, by handling the signals rather than with a shutdown hook: the
 * devstack closes Kafka and Redis from shutdown hooks of its own, and hooks run in no set order, so
 * a fleet closed from a hook would find its stack already gone. Here the caller closes the fleet
 * first, and the JVM's shutdown comes after. Called on the main thread; the signal handler only
 * counts down a latch.
 */
final class UntilInterrupted {
  private UntilInterrupted() {}

  static void await() throws InterruptedException {
    CountDownLatch signalled = new CountDownLatch(1);
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> signalled.countDown());
    }
    signalled.await();
  }
}
