package dev.fleetq.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.cli.FleetqProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetq demo} as a newcomer runs it: a process of its own, its output read back. */
class DemoTest {
  private static final Duration PATIENCE = Duration.ofMinutes(4);
  private static final Pattern GATE = Pattern.compile("gate\\s+(\\d+) landed, (\\d+) refused");
  private static final Pattern UNITS =
      Pattern.compile("units\\s+(\\d+) failing tests, (\\d+) root causes, (\\d+) landed");

  @Test
  void fourAgentsLandOneFixPerRootCauseAndTheGateRefusesTheFixThatBreaksATest(@TempDir Path dir)
      throws Exception {
    Path output = dir.resolve("demo.txt");
    long started = System.nanoTime();
    Process demo = FleetqProcess.builder(output, "demo", "--agents", "4").start();
    boolean exited;
    try {
      exited = demo.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      demo.destroyForcibly();
    }
    System.out.printf("fleetq demo took %.1f s%n", (System.nanoTime() - started) / 1e9);
    String text = Files.readString(output, StandardCharsets.UTF_8);

    assertThat(exited).as("demo exited within %s (output: %s)", PATIENCE, text).isTrue();
    assertThat(demo.exitValue()).as("exit status (output: %s)", text).isZero();
    Matcher units = UNITS.matcher(text);
    assertThat(units.find()).as("units line in the summary (output: %s)", text).isTrue();
    assertThat(units.group(0))
        .as("the summary's units line: the three tests that one helper breaks share a unit")
        .isEqualTo("units    16 failing tests, 14 root causes, 14 landed");
    Matcher gate = GATE.matcher(text);
    assertThat(gate.find()).as("gate line in the summary (output: %s)", text).isTrue();
    assertThat(Integer.parseInt(gate.group(2))).as("gate refusals").isPositive();
    List<String> log = text.lines().dropWhile(line -> !line.startsWith("git log")).toList();
    assertThat(log)
        .as("git log of main")
        .anySatisfy(line -> assertThat(line).contains("Land demo-calc/CalcTests.testMax attempt 2"))
        .anySatisfy(line -> assertThat(line).contains("Calc: a small library with failing tests"));
    assertThat(text).as("what the user sees").doesNotContain("Exception", "StatusLogger");
  }
}
