package dev.fleetq.worker.run;

import dev.fleetq.model.unit.WorkUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's assignment, {@code .fleetq/TASK.md} in the worktree: the goal, the prompt, the tests
 * that should pass, the paths it may change, and why the previous attempt failed. The folder is
 * excluded from every commit.
 *
 * <p>Stateless and thread-safe.
 */
final class TaskFile {
  /** The folder, relative to the worktree, that holds the assignment and is never committed. */
  static final String FOLDER = ".fleetq";

  static final String NAME = "TASK.md";

  private TaskFile() {}

  /** Writes the assignment into {@code worktree} and returns its absolute path. */
  static Path write(Path worktree, WorkUnit unit) {
    Path file = worktree.resolve(FOLDER).resolve(NAME).toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, render(unit), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the assignment " + file, e);
    }
  }

  static String render(WorkUnit unit) {
    StringBuilder text = new StringBuilder();
    text.append("# ").append(unit.title()).append("\n\n");
    text.append(unit.prompt().strip()).append("\n\n");
    text.append("## Tests that should pass\n\n");
    if (unit.targetTests().isEmpty()) {
      text.append("None named: the prompt says what done means.\n");
    } else {
      unit.targetTests().forEach(test -> text.append("- `").append(test).append("`\n"));
    }
    text.append("\n## Where you may change files\n\n");
    if (unit.scope().isEmpty()) {
      text.append("Anywhere in the repository.\n");
    } else {
      text.append("Only paths matching:\n");
      unit.scope().forEach(glob -> text.append("- `").append(glob).append("`\n"));
    }
    if (unit.previousFailure() != null) {
      text.append("\n## Why attempt ").append(unit.attempt() - 1).append(" failed\n\n");
      text.append("```\n").append(unit.previousFailure().strip()).append("\n```\n");
    }
    text.append("\n## Rules\n\n");
    text.append("- Do not edit, disable or delete tests that pass; the gate refuses it.\n");
    text.append("- Leave your changes in the working tree; fleetq commits and pushes them.\n");
    text.append("- This is attempt ").append(unit.attempt()).append(" of unit `");
    text.append(unit.key()).append("`.\n");
    return text.toString();
  }
}
