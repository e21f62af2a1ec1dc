package dev.fleetq.exec.report;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds report files under a directory by glob. Globs are relative to the directory and use {@link
 * java.nio.file.FileSystem#getPathMatcher glob syntax}, with one Ant-style extension that report
 * globs rely on: {@code **}{@code /} also matches no directory at all, so {@code **}{@code
 * /TEST-*.xml} finds {@code TEST-a.xml} at the top as well as deeper down. {@code .git} folders are
 * never entered. Symbolic links are not followed.
 *
 * <p>Stateless and thread-safe.
 */
public final class ReportFiles {
  private static final Logger log = LoggerFactory.getLogger(ReportFiles.class);
  private static final String ANY_DIRECTORIES = "**/";

  private ReportFiles() {}

  /** The regular files under {@code root} that match any of the globs, sorted by path. */
  public static List<Path> find(Path root, List<String> globs) {
    List<PathMatcher> matchers = matchers(globs);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(root, new Collector(root, matchers, found));
    } catch (IOException e) {
      throw new ReportException(
          "could not search " + root + " for test reports: " + e.getMessage(), e);
    }
    found.sort(null);
    return found;
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    if (globs == null || globs.isEmpty()) {
      throw new IllegalArgumentException("at least one report glob is needed");
    }
    List<PathMatcher> matchers = new ArrayList<>();
    for (String glob : globs) {
      if (glob == null || glob.isBlank() || glob.startsWith("/")) {
        throw new IllegalArgumentException(
            "report glob must be a non-blank path relative to the report root, got " + glob);
      }
      String relative = glob.startsWith("./") ? glob.substring(2) : glob;
      Set<String> variants = new LinkedHashSet<>();
      expand(relative, 0, variants);
      for (String variant : variants) {
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + variant));
      }
    }
    return matchers;
  }

  /**
   * Adds to {@code out} the glob itself and every variant with one or more whole {@code **}{@code
   * /} segments removed, which is how a path matcher learns that they may match zero directories.
   */
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

  private static final class Collector extends SimpleFileVisitor<Path> {
    private final Path root;
    private final List<PathMatcher> matchers;
    private final List<Path> found;

    Collector(Path root, List<PathMatcher> matchers, List<Path> found) {
      this.root = root;
      this.matchers = matchers;
      this.found = found;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
      boolean gitDirectory = !dir.equals(root) && ".git".equals(dir.getFileName().toString());
      return gitDirectory ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
      Path relative = root.relativize(file);
      if (attributes.isRegularFile() && matchers.stream().anyMatch(m -> m.matches(relative))) {
        found.add(file);
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      // An unreadable corner of a working tree (a permission-denied cache folder, a file deleted
      // while we walk) should not hide the reports elsewhere.
      log.debug("Skipping {} while searching for test reports: {}", file, e.toString());
      return FileVisitResult.CONTINUE;
    }
  }
}
