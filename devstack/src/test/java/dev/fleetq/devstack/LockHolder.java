package dev.fleetq.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

/**
 * A separate JVM that takes a Redisson lock with the watchdog and holds it until its standard input
 * closes or {@link #MAX_HOLD} passes, so that a test can kill a real lock holder.
 *
 * <p>Arguments: the Redis URI, the lock name, the watchdog timeout in milliseconds. Prints {@link
 * #LOCKED} once it holds the lock.
 */
final class LockHolder {
  static final String LOCKED = "fleetq-lock-holder: locked";
  private static final Duration MAX_HOLD = Duration.ofMinutes(2);
  private static final Duration LOCK_WAIT = Duration.ofSeconds(10);

  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    RedissonClient client =
        RedissonClients.connect(args[0], Duration.ofMillis(Long.parseLong(args[2])));
    RLock lock = client.getLock(args[1]);
    if (!lock.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      System.out.println("fleetq-lock-holder: lock is busy");
      System.exit(2);
    }
    System.out.println(LOCKED);
    System.out.flush();
    awaitEndOfInput();
    lock.unlock();
    RedissonClients.shutdown(client);
  }

  /** Returns when the parent closes this process's input (or dies) or after {@link #MAX_HOLD}. */
  private static void awaitEndOfInput() throws InterruptedException {
    CountDownLatch inputClosed = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() >= 0) {
                  continue;
                }
              } catch (IOException ignored) {
                // A broken pipe means the parent is gone, the same as end of input.
              }
              inputClosed.countDown();
            },
            "lock-holder-stdin");
    reader.setDaemon(true);
    reader.start();
    inputClosed.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
  }
}
