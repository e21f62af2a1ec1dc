package dev.fleetq.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleetq.devstack.junit.TestNamespace;
import dev.fleetq.devstack.junit.WithDevStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redisson lock held by a real separate process, with the watchdog: renewed while the holder
 * lives, freed within the watchdog timeout once the holder is killed.
 */
@WithDevStack
class RedissonLockTest {
  private static final Logger log = LoggerFactory.getLogger(RedissonLockTest.class);
  private static final Duration WATCHDOG = Duration.ofSeconds(2);
  private static final Duration HOLDER_START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration MARGIN = Duration.ofSeconds(3);

  private Process holder;
  private RedissonClient clientB;

  @AfterEach
  void stopHolderAndClient() throws InterruptedException {
    if (holder != null) {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (clientB != null) {
      RedissonClients.shutdown(clientB);
    }
  }

  @Test
  void lockOfAKilledHolderIsFreedWithinTheWatchdogTimeout(
      DevStack devStack, TestNamespace namespace) throws Exception {
    String lockName = namespace.key("lock:unit:u1");
    clientB = RedissonClients.connect(devStack.redisUri(), WATCHDOG);
    RLock lockB = clientB.getLock(lockName);

    holder = startHolder(devStack.redisUri(), lockName);
    awaitLine(holder, LockHolder.LOCKED);

    assertThat(lockB.tryLock(0, TimeUnit.SECONDS)).as("B's tryLock while A holds").isFalse();
    await()
        .during(WATCHDOG.multipliedBy(2))
        .atMost(WATCHDOG.multipliedBy(2).plus(MARGIN))
        .until(lockB::isLocked);
    assertThat(lockB.tryLock(0, TimeUnit.SECONDS))
        .as("B's tryLock after twice the watchdog timeout, the holder alive")
        .isFalse();

    holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    await()
        .atMost(WATCHDOG.plus(MARGIN))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lockB.tryLock(0, TimeUnit.SECONDS));
    assertThat(lockB.isHeldByCurrentThread()).as("B holds the lock").isTrue();
    lockB.unlock();
  }

  private static Process startHolder(String redisUri, String lockName) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            LockHolder.class.getName(),
            redisUri,
            lockName,
            Long.toString(WATCHDOG.toMillis()))
        .redirectErrorStream(true)
        .start();
  }

  /** Waits, bounded, for the line; keeps draining the process's output so that it never blocks. */
  private static void awaitLine(Process process, String expected) throws Exception {
    CompletableFuture<Void> seen = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  log.info("lock holder: {}", line);
                  if (line.equals(expected)) {
                    seen.complete(null);
                  }
                }
              } catch (IOException e) {
                seen.completeExceptionally(e);
              }
              seen.completeExceptionally(new IllegalStateException("lock holder exited"));
            },
            "lock-holder-output");
    reader.setDaemon(true);
    reader.start();
    seen.get(HOLDER_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
