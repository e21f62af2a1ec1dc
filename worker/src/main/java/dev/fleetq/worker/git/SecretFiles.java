package dev.fleetq.worker.git;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a repository that hold credentials, at any depth: by name, {@code .env*} (which
 * includes {@code .envrc}), {@code credentials.json}, {@code service-account.json}, {@code .npmrc},
 * {@code .pypirc}, {@code .netrc}, {@code .git-credentials} and {@code id_rsa*}; by extension,
 * {@code *.pem} and {@code *.key}; and every file under a {@code .aws} or {@code .ssh} directory. A
 * container sandbox hides them from the agent, and the worker never commits one the agent wrote.
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
  private static final List<String> PREFIXES = List.of(".env", "id_rsa");
  private static final List<String> EXTENSIONS = List.of(".pem", ".key");
  private static final List<String> DIRECTORIES = List.of(".aws", ".ssh");

  private SecretFiles() {}

  /** Whether the file at {@code relative}, a path inside a worktree, holds credentials. */
  public static boolean isSecret(Path relative) {
    Path name = relative.getFileName();
    if (name == null) {
      return false;
    }
    String text = name.toString();
    for (Path part : relative) {
      if (DIRECTORIES.contains(part.toString()) && !part.equals(name)) {
        return true;
      }
    }
    return EXACT_NAMES.contains(text)
        || PREFIXES.stream().anyMatch(text::startsWith)
        || EXTENSIONS.stream().anyMatch(text::endsWith);
  }

  /** Git pathspecs that match every secret file at any depth of a worktree. */
  static List<String> pathspecs() {
    return Stream.of(
            EXACT_NAMES.stream(),
            PREFIXES.stream().map(prefix -> prefix + "*"),
            EXTENSIONS.stream().map(extension -> "*" + extension),
            DIRECTORIES.stream().map(directory -> directory + "/**"))
        .flatMap(names -> names)
        .map(name -> ":(glob)**/" + name)
        .toList();
  }
}
