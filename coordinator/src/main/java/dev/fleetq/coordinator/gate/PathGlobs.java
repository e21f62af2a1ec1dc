package dev.fleetq.coordinator.gate;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Path globs matched against repository-relative paths as git prints them ({@code src/a/B.java}).
 * The syntax is {@link java.nio.file.FileSystem#getPathMatcher}'s, with the Ant-style extension
 * that report globs use too: a whole {@code **}{@code /} segment also matches no directory, so
 * {@code **}{@code /tests/**} matches {@code tests/t01.sh} as well as {@code a/tests/t01.sh}.
 *
 * <p>Immutable and thread-safe.
 */
final class PathGlobs {
  private static final String ANY_DIRECTORIES = "**/";

  private final List<String> globs;
  private final List<PathMatcher> matchers;

  private PathGlobs(List<String> globs, List<PathMatcher> matchers) {
    this.globs = globs;
    this.matchers = matchers;
  }

  /**
   * Compiles the globs; null means none.
   *
   * @param field the configuration field, named when a glob does not compile
   */
  static PathGlobs of(String field, List<String> globs) {
    List<String> copy = globs == null ? List.of() : List.copyOf(globs);
    List<PathMatcher> matchers = new ArrayList<>();
    for (String glob : copy) {
      if (glob.isBlank() || glob.startsWith("/")) {
        throw new IllegalArgumentException(
            field + ": a glob must be a non-blank relative path, got '" + glob + "'");
      }
      Set<String> variants = new LinkedHashSet<>();
      expand(glob, 0, variants);
      try {
        for (String variant : variants) {
          matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + variant));
        }
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(field + ": '" + glob + "' is not a glob", e);
      }
    }
    return new PathGlobs(copy, List.copyOf(matchers));
  }

  List<String> globs() {
    return globs;
  }

  boolean isEmpty() {
    return globs.isEmpty();
  }

  /** Whether any glob matches the repository-relative path. */
  boolean matches(String path) {
    Path relative = Path.of(path);
    return matchers.stream().anyMatch(matcher -> matcher.matches(relative));
  }

  /** The paths that some glob matches, in the given order. */
  List<String> matching(List<String> paths) {
    return paths.stream().filter(this::matches).toList();
  }

  /** Adds the glob and every variant with whole {@code **}{@code /} segments removed. */
  private static void expand(String glob, int from, Set<String> out) {
    int at = glob.indexOf(ANY_DIRECTORIES, from);
    if (at < 0) {
      out.add(glob);
      return;
    }
    expand(glob, at + ANY_DIRECTORIES.length(), out);
    if (at == 0 || glob.charAt(at - 1) == '/') {
      expand(glob.substring(0, at) + glob.substring(at + ANY_DIRECTORIES.length()), at, out);
    }
  }
}
