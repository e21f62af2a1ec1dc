package dev.fleetq.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The demo's last words: per agent what it landed, what the gate refused and how long its agent
 * ran; the gate's verdicts; the failing tests, the root causes the planner grouped them into (one
 * unit each) and how those ended; the wall time against the sum of agent time; and main's history.
 * Stateless.
 */
final class Summary {
  private Summary() {}

  static void print(PrintStream out, Tally.Snapshot end, Duration wall, List<String> mainLog) {
    out.println();
    out.println("Summary");
    Duration agentTime = Duration.ZERO;
    for (var entry : end.agents().entrySet()) {
      Tally.Agent agent = entry.getValue();
      agentTime = agentTime.plus(agent.agentTime());
      out.printf(
          "  %-8s %2d landed, %d refused, agent time %s%n",
          entry.getKey(), agent.landed(), agent.refused(), seconds(agent.agentTime()));
    }
    out.printf(
        "  gate     %d landed, %d refused, %d suite runs%n",
        end.verdictsLanded(), end.verdictsRefused(), end.suiteRuns());
    out.printf(
        "  units    %d failing tests, %d root causes, %d landed, %d superseded; job %s%n",
        end.failingTests(),
        end.total(),
        end.landed(),
        end.superseded(),
        end.end().map(Enum::name).orElse("UNFINISHED"));
    double speedUp = wall.isZero() ? 0 : (double) agentTime.toMillis() / wall.toMillis();
    out.printf(
        "  time     wall %s, agent time %s, speed-up %.1fx%n",
        seconds(wall), seconds(agentTime), speedUp);
    out.println();
    out.println("git log --oneline main");
    mainLog.forEach(line -> out.println("  " + line));
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
