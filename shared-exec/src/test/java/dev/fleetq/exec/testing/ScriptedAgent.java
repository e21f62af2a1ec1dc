package dev.fleetq.exec.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one fake fleetq allows: a coding agent played by a shell script, still a real process that
 * edits real files. It fixes the {@link ExampleRepo} tests named in {@code FLEETQ_TARGET_TESTS}
 * (test ids one per line, set by the worker) by writing the content each test expects.
 *
 * <p>Variants add the misbehaviour a test needs: breaking an unrelated test on a given attempt,
 * sleeping before it works, or deleting its target test instead of fixing it.
 *
 * @param script the script on disk
 */
public record ScriptedAgent(Path script) {
  private static final String FIX_TARGETS =
      """
      for id in $FLEETQ_TARGET_TESTS; do
        set -- $(sed -n 's/^# checks //p' "tests/t${id##*#t}.sh")
        echo "$2" > "$1"
      done
      """;

  /**
   * An agent that fixes its target tests and nothing else: it reads which file each test checks
   * (the test's {@code # checks FILE CONTENT} line) and writes what the test expects there.
   */
  public static ScriptedAgent fixer(Path dir) {
    return write(dir, "fixer.sh", FIX_TARGETS);
  }

  /**
   * An agent that fixes its targets, but on attempt {@code attempt} also breaks the passing test
   * {@code victim}, as an agent that does not run the whole suite might.
   */
  public static ScriptedAgent breaksOnAttempt(Path dir, int attempt, int victim) {
    String name = String.format("%02d", victim);
    return write(
        dir,
        "breaker.sh",
        FIX_TARGETS
            + "if [ \"$FLEETQ_ATTEMPT\" = \""
            + attempt
            + "\" ]; then echo broken-by-agent > src/f"
            + name
            + ".txt; fi\n");
  }

  /**
   * An agent that fixes its targets, but on attempt {@code attempt} also undoes the fix of test
   * {@code victim}, another unit's target, with a change that merges cleanly with that fix: the
   * victim fails before and after, so only the gate's goal check sees it.
   */
  public static ScriptedAgent saboteurOnAttempt(Path dir, int attempt, int victim) {
    return write(
        dir,
        "saboteur.sh",
        FIX_TARGETS
            + "if [ \"$FLEETQ_ATTEMPT\" = \""
            + attempt
            + "\" ]; then echo undone > "
            + ExampleRepo.undoFile(victim)
            + "; fi\n");
  }

  /** An agent that changes a file, but not one that fixes its targets. */
  public static ScriptedAgent nonFixer(Path dir) {
    return write(
        dir,
        "non-fixer.sh",
        "echo \"looked at $FLEETQ_TARGET_TESTS\" > \"src/notes-$FLEETQ_UNIT_ID.txt\"\n");
  }

  /** An agent that sleeps {@code seconds} before fixing its targets. */
  public static ScriptedAgent slow(Path dir, int seconds) {
    return write(dir, "slow.sh", "sleep " + seconds + "\n" + FIX_TARGETS);
  }

  /** An agent that makes its red tests go away by deleting them, instead of fixing the code. */
  public static ScriptedAgent testDeleter(Path dir) {
    return write(
        dir,
        "deleter.sh",
        """
        for id in $FLEETQ_TARGET_TESTS; do
          rm -f "tests/t${id##*#t}.sh"
        done
        """);
  }

  /** An agent that gives up: it says so and exits with status 1, changing nothing. */
  public static ScriptedAgent quitter(Path dir) {
    return write(dir, "quitter.sh", "echo 'cannot fix this one' >&2\nexit 1\n");
  }

  /** The agent command for a job: runs the script through {@code sh}. */
  public String command() {
    return "sh " + script;
  }

  private static ScriptedAgent write(Path dir, String name, String body) {
    Path script = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      Files.writeString(script, "#!/bin/sh\nset -e\n" + body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ScriptedAgent(script);
  }
}
