package dev.fleetq.devstack.junit;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A random prefix that keeps one test's Kafka topics, consumer groups and Redis keys apart from
 * every other test's, on the one broker and Redis server that the whole test JVM shares.
 *
 * <p>{@link DevStackExtension} resolves a fresh one for each test method. Immutable and
 * thread-safe.
 *
 * @param id a short random word such as {@code t3f9a1c}
 */
public record TestNamespace(String id) {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]{1,15}");

  public TestNamespace {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("namespace id must match " + ID + ", was " + id);
    }
  }

  /** A namespace with a fresh random id. */
  public static TestNamespace random() {
    return new TestNamespace(String.format("t%06x", ThreadLocalRandom.current().nextInt(1 << 24)));
  }

  /** The prefix for this test's topic names, such as {@code t3f9a1c.fleetq.}. */
  public String topicPrefix() {
    return id + ".fleetq.";
  }

  /** The prefix for this test's Redis keys, such as {@code t3f9a1c:fleetq:}. */
  public String keyPrefix() {
    return id + ":fleetq:";
  }

  /** A topic of this test, such as {@code t3f9a1c.fleetq.units} for {@code units}. */
  public String topic(String name) {
    return topicPrefix() + name;
  }

  /**
   * A Redis key of this test, such as {@code t3f9a1c:fleetq:lock:unit:u1} for {@code lock:unit:u1}.
   */
  public String key(String name) {
    return keyPrefix() + name;
  }

  /** A consumer or share group of this test, such as {@code t3f9a1c.fleetq-workers}. */
  public String group(String name) {
    return id + "." + name;
  }
}
