package dev.fleetq.worker.git;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a repository that hold credentials, by name at any depth: {@code .env*} (which
 * includes {@code .envrc}), {@code credentials.json}, {@code service-account.json}, {@code .npmrc},
 * {@code .pypirc}, {@code .netrc} and {@code .git-credentials}. A container sandbox hides them from
 * the agent, and the worker never commits one the agent wrote.
 *
 * <p>Immutable and thread-safe.
 */
public final class SecretFiles {
  private static final List<String> EXACT_NAMES =
      List.of(
          "credentials.json",
          "service-account.json",
          ".npmrc",
          ".pypirc",
          ".netrc",
          ".git-credentials");
  private static final String ENV_PREFIX = ".env";

  private SecretFiles() {}

  /** Whether a file with this name holds credentials. */
  public static boolean isSecret(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return false;
    }
    String text = name.toString();
    return text.startsWith(ENV_PREFIX) || EXACT_NAMES.contains(text);
  }

  /** Git pathspecs that match every secret file at any depth of a worktree. */
  static List<String> pathspecs() {
    return Stream.concat(Stream.of(ENV_PREFIX + "*"), EXACT_NAMES.stream())
        .map(name -> ":(glob)**/" + name)
        .toList();
  }
}
