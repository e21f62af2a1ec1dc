package dev.fleetq.coordinator.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens the HTTP API accepts on its {@code /v1} routes; {@link #OPEN} accepts any
 * request, as the API did before it had tokens. Only SHA-256 digests of the tokens are kept, and a
 * presented token is compared with every one of them in constant time, so neither the time of a
 * refusal nor a heap dump tells a token. Immutable and thread-safe.
 */
public final class ApiTokens {
  /** No tokens: every request is accepted. */
  public static final ApiTokens OPEN = new ApiTokens(List.of());

  /** The shortest token accepted: 128 bits as hex. */
  public static final int MIN_TOKEN_CHARS = 32;

  private static final String BEARER = "Bearer ";

  private final List<byte[]> digests;

  private ApiTokens(List<byte[]> digests) {
    this.digests = digests;
  }

  /**
   * The given tokens, each at least {@value #MIN_TOKEN_CHARS} characters with no whitespace.
   *
   * @throws IllegalArgumentException if there are none or one is too short
   */
  public static ApiTokens of(Collection<String> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("no API token given");
    }
    for (String token : tokens) {
      if (token.length() < MIN_TOKEN_CHARS || !token.strip().equals(token) || token.contains(" ")) {
        throw new IllegalArgumentException(
            "an API token must be at least " + MIN_TOKEN_CHARS + " characters without spaces");
      }
    }
    return new ApiTokens(tokens.stream().map(ApiTokens::digest).toList());
  }

  /**
   * The tokens in {@code file}, one per line; blank lines and lines starting with {@code #} are
   * left out, so that a file can hold an old and a new token while clients move over.
   *
   * @throws IllegalArgumentException naming the file if it cannot be read or holds no valid token
   */
  public static ApiTokens read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the API token file " + file + ": " + e, e);
    }
    try {
      return of(
          lines.stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .toList());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("API token file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether a request needs a token at all. */
  public boolean required() {
    return !digests.isEmpty();
  }

  /**
   * Why a request with this {@code Authorization} header (null when absent) is refused, or empty
   * when it is accepted.
   */
  Optional<String> refusal(String authorization) {
    if (!required()) {
      return Optional.empty();
    }
    if (authorization == null || authorization.isBlank()) {
      return Optional.of("this API needs a bearer token: send 'Authorization: Bearer <token>'");
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of("the Authorization header is not 'Bearer <token>'");
    }
    byte[] presented = digest(authorization.substring(BEARER.length()).strip());
    boolean known = false;
    for (byte[] digest : digests) {
      known |= MessageDigest.isEqual(digest, presented);
    }
    return known ? Optional.empty() : Optional.of("the bearer token is not one this API accepts");
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return required() ? digests.size() + " API token(s)" : "no API tokens (open)";
  }
}
