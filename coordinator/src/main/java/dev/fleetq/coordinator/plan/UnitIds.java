package dev.fleetq.coordinator.plan;

import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.wire.Limits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Derives the id of the unit that fixes a test from the test's id, so that planning the same
 * failures again gives the same units and a person can tell from the id which test it is about.
 *
 * <p>A test id such as {@code com.acme.CalculatorTest#divides(int)[2]} becomes {@code
 * com.acme.CalculatorTest.divides-int-2}: {@code #} becomes {@code .}, any other run of characters
 * that a unit id (and a git branch name) cannot hold becomes one {@code -}, runs of dots shrink to
 * one, and leading and trailing punctuation go. When that shortens a long id, or two tests of the
 * job end up with the same id, each affected id gets a dash and 8 hex characters of the SHA-256 of
 * its test id, which keeps it unique and still the same from one planning to the next.
 *
 * <p>Stateless and thread-safe.
 */
final class UnitIds {
  private static final Pattern ILLEGAL = Pattern.compile("[^A-Za-z0-9._-]+");
  private static final Pattern DOTS = Pattern.compile("\\.{2,}");
  private static final Pattern LEADING = Pattern.compile("^[^A-Za-z0-9]+");
  private static final Pattern TRAILING = Pattern.compile("[._-]+$");
  private static final int HASH_CHARS = 8;
  private static final int MAX_READABLE_CHARS = Limits.MAX_ID_CHARS - HASH_CHARS - 1;

  private UnitIds() {}

  /** One unit id per test id, in the order given; distinct and stable. */
  static Map<String, UnitId> forTests(Collection<String> testIds) {
    Map<String, String> readable = new LinkedHashMap<>();
    Map<String, Integer> uses = new HashMap<>();
    for (String testId : testIds) {
      String id = readable(testId);
      readable.put(testId, id);
      uses.merge(id, 1, Integer::sum);
    }
    Map<String, UnitId> ids = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : readable.entrySet()) {
      String testId = entry.getKey();
      String id = entry.getValue();
      boolean clash = uses.get(id) > 1;
      boolean cut = id.length() > Limits.MAX_ID_CHARS;
      if (clash || cut) {
        id = shorten(id) + "-" + hash(testId);
      }
      ids.put(testId, UnitId.parse(id));
    }
    if (invert(ids).size() != ids.size()) {
      // Two tests whose ids hash to the same 8 characters and read the same: vanishingly rare.
      throw new PlanningException("cannot derive distinct unit ids for the failing tests " + ids);
    }
    return ids;
  }

  /** The readable part of a test's unit id, before any hash suffix. */
  static String readable(String testId) {
    String id = ILLEGAL.matcher(testId.replace('#', '.')).replaceAll("-");
    id = DOTS.matcher(id).replaceAll(".");
    id = LEADING.matcher(id).replaceAll("");
    id = TRAILING.matcher(id).replaceAll("");
    if (id.endsWith(".lock")) {
      // A git ref may not end in ".lock", and the unit id is part of the branch name.
      id = id.substring(0, id.length() - ".lock".length()) + "-lock";
    }
    return id.isEmpty() ? "test" : id;
  }

  private static String shorten(String id) {
    if (id.length() <= MAX_READABLE_CHARS) {
      return id;
    }
    return TRAILING.matcher(id.substring(0, MAX_READABLE_CHARS)).replaceAll("");
  }

  private static String hash(String testId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(testId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, HASH_CHARS / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  private static Map<UnitId, String> invert(Map<String, UnitId> ids) {
    Map<UnitId, String> inverted = new HashMap<>();
    ids.forEach((testId, unitId) -> inverted.put(unitId, testId));
    return inverted;
  }
}
