package dev.fleetq.worker.sandbox;

import dev.fleetq.worker.git.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a worktree's credential files ({@link SecretFiles}) out of a container: before the run they
 * are moved out of the worktree into a directory the container does not mount, and afterwards they
 * are moved back, replacing whatever the agent wrote in their place. Moving rather than mounting
 * {@code /dev/null} over them means the agent finds no file at all, not an empty one, and the
 * engine needs no mount per file. The worker never commits a secret file either way (see {@code
 * Workspace#commitAll}).
 *
 * <p>Not thread-safe; owned by the thread that runs one command.
 */
final class WorktreeSecrets {
  private final Path worktree;
  private final Path hidden;
  private final List<Path> moved = new ArrayList<>();

  /**
   * @param worktree the directory the container mounts
   * @param hidden a directory outside it, which the container does not mount
   */
  WorktreeSecrets(Path worktree, Path hidden) {
    this.worktree = worktree;
    this.hidden = hidden;
  }

  /** Moves every secret file out of the worktree; returns how many there were. */
  int hide() {
    for (Path file : find()) {
      Path relative = worktree.relativize(file);
      Path target = hidden.resolve(relative);
      try {
        Files.createDirectories(target.getParent());
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("could not hide the secret file " + relative, e);
      }
      moved.add(relative);
    }
    return moved.size();
  }

  /** Moves the hidden files back where they were. */
  void restore() {
    UncheckedIOException failure = null;
    for (Path relative : moved) {
      Path target = worktree.resolve(relative);
      try {
        Files.createDirectories(target.getParent());
        Files.move(hidden.resolve(relative), target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        failure = new UncheckedIOException("could not restore the secret file " + relative, e);
      }
    }
    moved.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private List<Path> find() {
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(
          worktree,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return dir.getFileName() != null && dir.getFileName().toString().equals(".git")
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (!attrs.isDirectory() && SecretFiles.isSecret(worktree.relativize(file))) {
                found.add(file);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("could not look for secret files in " + worktree, e);
    }
    return found;
  }
}
