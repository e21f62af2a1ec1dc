package dev.fleetq.worker.testing;

import dev.fleetq.exec.testing.ScriptedAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scripted agents for the worker's failure paths, in the manner of {@link ScriptedAgent}: real
 * shell processes that misbehave on purpose.
 */
public final class Agents {
  private static final String FIX_TARGETS =
      """
      for id in $FLEETQ_TARGET_TESTS; do
        n=${id##*#t}
        echo "fixed-$n" > "src/f$n.txt"
      done
      """;

  private Agents() {}

  /**
   * An agent that records its pid in {@code <pids>/<unit>.agent.pid}, starts a child that records
   * its pid in {@code <pids>/<unit>.child.pid}, and waits for it to sleep {@code seconds}.
   */
  public static String sleeper(Path dir, Path pids, int seconds) {
    return write(
        dir,
        "sleeper.sh",
        "echo $$ > \""
            + pids
            + "/$FLEETQ_UNIT_ID.agent.pid\"\n"
            + "sleep "
            + seconds
            + " &\n"
            + "echo $! > \""
            + pids
            + "/$FLEETQ_UNIT_ID.child.pid\"\n"
            + "wait\n");
  }

  /** An agent that prints {@code lines} numbered lines and a last word, then exits with 3. */
  public static String failing(Path dir, int lines) {
    return write(
        dir,
        "failing.sh",
        "i=1\nwhile [ $i -le "
            + lines
            + " ]; do echo \"agent line $i\"; i=$((i+1)); done\n"
            + "echo 'boom: the agent gave up' >&2\nexit 3\n");
  }

  /**
   * An agent that leaves {@code files} untracked files in its worktree, so that removing the
   * worktree takes a while, and then gives up with status 3.
   */
  public static String litteringQuitter(Path dir, int files) {
    return write(
        dir,
        "littering.sh",
        "mkdir litter && cd litter && seq 1 " + files + " | xargs touch\nexit 3\n");
  }

  /** An agent that changes nothing. */
  public static String idle(Path dir) {
    return write(dir, "idle.sh", "echo 'nothing to do'\n");
  }

  /**
   * An agent that, before fixing its targets, has somebody else change the same files on main in
   * the origin at {@code originUrl} through a clone of its own, so the worker's merge conflicts.
   */
  public static String racedOnMain(Path dir, String originUrl) {
    return write(
        dir,
        "raced.sh",
        "clone=\"$TMPDIR/someone-else\"\n"
            + "git clone --quiet '"
            + originUrl
            + "' \"$clone\"\n"
            + "for id in $FLEETQ_TARGET_TESTS; do\n"
            + "  n=${id##*#t}\n"
            + "  echo \"changed-on-main-$n\" > \"$clone/src/f$n.txt\"\n"
            + "done\n"
            + "git -C \"$clone\" -c user.name=someone -c user.email=s@fleetq.invalid"
            + " commit --quiet -am 'someone else was faster'\n"
            + "git -C \"$clone\" push --quiet origin main\n"
            + FIX_TARGETS);
  }

  private static String write(Path dir, String name, String body) {
    Path script = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      Files.writeString(script, "#!/bin/sh\nset -e\n" + body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "sh " + script;
  }
}
