package dev.fleetq.cli.demo;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Shows a {@link Tally.Snapshot} as it changes: on a terminal, a bar of units landed out of total
 * and one line per agent, redrawn in place; elsewhere (a pipe, a test), one plain line per change.
 * Not thread-safe; owned by the demo's main thread.
 */
final class ProgressView {
  private static final int BAR_WIDTH = 30;
  private static final String CLEAR_LINE = "\033[2K";

  private final PrintStream out;
  private final boolean terminal;
  private final Map<String, String> shown = new HashMap<>();
  private int shownLanded = -1;
  private int drawnLines;

  ProgressView(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(Tally.Snapshot now) {
    if (terminal) {
      redraw(now);
    } else {
      printChanges(now);
    }
    out.flush();
  }

  private void redraw(Tally.Snapshot now) {
    if (drawnLines > 0) {
      out.print("\033[" + drawnLines + "A");
    }
    out.println(CLEAR_LINE + bar(now));
    now.agents()
        .forEach(
            (name, agent) ->
                out.println(CLEAR_LINE + String.format("  %-8s %s", name, agent.doing())));
    drawnLines = 1 + now.agents().size();
  }

  private void printChanges(Tally.Snapshot now) {
    if (now.total() > 0 && now.landed() != shownLanded) {
      shownLanded = now.landed();
      out.println("landed " + now.landed() + "/" + now.total());
    }
    now.agents()
        .forEach(
            (name, agent) -> {
              if (!agent.doing().equals(shown.put(name, agent.doing()))) {
                out.println(name + ": " + agent.doing());
              }
            });
  }

  private static String bar(Tally.Snapshot now) {
    int filled = now.total() == 0 ? 0 : BAR_WIDTH * now.landed() / now.total();
    String label = now.total() == 0 ? "planning…" : now.landed() + "/" + now.total() + " landed";
    return "[" + "█".repeat(filled) + "·".repeat(BAR_WIDTH - filled) + "] " + label;
  }
}
