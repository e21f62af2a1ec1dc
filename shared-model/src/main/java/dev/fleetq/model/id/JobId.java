package dev.fleetq.model.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The id of a job. On the wire it is a plain string of 1 to 128 letters, digits, {@code .}, {@code
 * _} or {@code -}, starting with a letter or digit; a submitter may choose it, otherwise intake
 * draws one with {@link #random(RandomGenerator)}.
 *
 * @param value the id as written on the wire
 */
public record JobId(@JsonValue String value) {

  /** The prefix of drawn ids. */
  public static final String RANDOM_PREFIX = "job-";

  /**
   * Lowercase base32 without the look-alikes i, l, o and u, so an id can be read aloud and typed.
   */
  private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

  private static final int RANDOM_CHARS = 12;

  /** Checks the id's shape. */
  public JobId {
    IdFormat.check("job id", value);
  }

  /**
   * Reads an id from its wire form.
   *
   * @throws dev.fleetq.model.wire.InvalidMessageException if it is not a well-formed id
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static JobId parse(String value) {
    return new JobId(value);
  }

  /**
   * Draws a new id such as {@code job-7k2m9x0qdv4c}: the prefix and 12 base32 characters (60 bits).
   *
   * @param random the source of randomness; pass a seeded generator for repeatable ids in tests
   */
  public static JobId random(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    StringBuilder id = new StringBuilder(RANDOM_PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return new JobId(id.toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
