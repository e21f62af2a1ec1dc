package dev.fleetq.model.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.fleetq.model.wire.Check;
import dev.fleetq.model.wire.Limits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The id of a git repository: the key of the gate topic, so one gate owns each repository, and the
 * name of its Redis baseline. {@link #fromUrl(String)} derives it from the URL so that every
 * component computes the same id without a registry, and a person can still tell which repository
 * it is.
 *
 * @param value the id as written on the wire
 */
public record RepoId(@JsonValue String value) {

  private static final int MAX_NAME_CHARS = 64;
  private static final int HASH_BYTES = 4;

  /** Checks the id's shape. */
  public RepoId {
    IdFormat.check("repository id", value);
  }

  /**
   * Reads an id from its wire form.
   *
   * @throws dev.fleetq.model.wire.InvalidMessageException if it is not a well-formed id
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static RepoId parse(String value) {
    return new RepoId(value);
  }

  /**
   * Derives the id of the repository at {@code url}: its last path segment without {@code .git}, a
   * dash, and 8 hex characters of the SHA-256 of the normalized URL, such as {@code calc-1f0c2a9e}.
   * Normalizing strips trailing slashes and a trailing {@code .git}, so {@code
   * https://host/acme/calc.git/} and {@code https://host/acme/calc} get the same id.
   */
  public static RepoId fromUrl(String url) {
    String normalized = normalize(Check.requireText("url", url, Limits.MAX_URL_CHARS));
    return new RepoId(readableName(normalized) + "-" + shortHash(normalized));
  }

  @Override
  public String toString() {
    return value;
  }

  private static String normalize(String url) {
    String result = stripTrailingSlashes(url.strip());
    if (result.endsWith(".git")) {
      result = stripTrailingSlashes(result.substring(0, result.length() - ".git".length()));
    }
    return result;
  }

  private static String stripTrailingSlashes(String url) {
    int end = url.length();
    while (end > 0 && url.charAt(end - 1) == '/') {
      end--;
    }
    return url.substring(0, end);
  }

  private static String readableName(String normalized) {
    int start = Math.max(normalized.lastIndexOf('/'), normalized.lastIndexOf(':')) + 1;
    String name = normalized.substring(start).replaceAll("[^A-Za-z0-9._-]", "-");
    name = name.replaceFirst("^[^A-Za-z0-9]+", "");
    if (name.length() > MAX_NAME_CHARS) {
      name = name.substring(0, MAX_NAME_CHARS);
    }
    return name.isEmpty() ? "repo" : name;
  }

  private static String shortHash(String normalized) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, HASH_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
