package dev.fleetq.worker.suite;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RBucket;
import org.redisson.client.RedisException;

/**
 * One suite run's lease: a Redis string at {@code keys.suiteLease(runId)} that holds the id of the
 * executor running it, with a short time to live that the executor renews while the run goes on. It
 * is what keeps two executors from running the same request twice; if the executor dies, the lease
 * expires and the coordinator dispatches the run again.
 *
 * <p>Thread-safe: the slot thread takes and releases it while the renewal thread renews it; every
 * call is one bounded Redis round trip.
 */
final class SuiteLease {
  private final RBucket<String> bucket;
  private final String owner;
  private final Duration ttl;
  private final Duration timeout;

  /**
   * @param bucket the lease's key, with a string codec
   * @param owner what the lease holds: this executor's worker id
   * @param ttl how long the lease lives unless renewed
   * @param timeout the bound on each Redis call
   */
  SuiteLease(RBucket<String> bucket, String owner, Duration ttl, Duration timeout) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Takes the lease if nobody holds it; false if someone does, the request being a duplicate.
   *
   * @throws RedisException if Redis failed or did not answer in time
   */
  boolean tryTake() {
    return await(bucket.setIfAbsentAsync(owner, ttl), "taking");
  }

  /** Gives the lease another time to live; false if it was gone. */
  boolean renew() {
    return await(bucket.expireAsync(ttl), "renewing");
  }

  /** Deletes the lease if this executor still holds it. */
  void release() {
    await(bucket.compareAndSetAsync(owner, null), "releasing");
  }

  /** The lease's key. */
  String key() {
    return bucket.getName();
  }

  @Override
  public String toString() {
    return "lease " + bucket.getName() + " as " + owner;
  }

  private <T> T await(CompletionStage<T> call, String what) {
    try {
      return call.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while " + what + " " + this, e);
    } catch (ExecutionException e) {
      throw new RedisException(what + " " + this + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new RedisException(what + " " + this + " took longer than " + timeout, e);
    }
  }
}
