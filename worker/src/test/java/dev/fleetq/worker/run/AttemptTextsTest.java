package dev.fleetq.worker.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.WorkerId;
import dev.fleetq.model.unit.WorkUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an attempt writes for people and agents: the assignment, the commit message, log tails. */
class AttemptTextsTest {
  @TempDir Path dir;

  @Test
  void theAssignmentNamesTheGoalTestsScopeAndPreviousFailure() throws IOException {
    WorkUnit second = ModelFixtures.aWorkUnit(ModelFixtures.JOB, ModelFixtures.UNIT, 2);

    Path file = TaskFile.write(dir, second);

    assertThat(file).as("file").isEqualTo(dir.resolve(".fleetq/TASK.md").toAbsolutePath());
    assertThat(Files.readString(file))
        .as("assignment")
        .startsWith("# Fix u1\n")
        .contains(second.prompt())
        .contains("- `com.acme.CalculatorTest#u1`")
        .contains("- `src/main/**`")
        .contains("## Why attempt 1 failed")
        .contains("attempt 1 broke CalculatorTest#divides")
        .contains("attempt 2 of unit `job-test0000001/u1`");
  }

  @Test
  void theCommitMessageEndsWithTheFourTrailersAfterABlankLine() {
    String message = CommitMessage.of(ModelFixtures.aWorkUnit(), WorkerId.parse("w7"));

    assertThat(message)
        .as("message")
        .isEqualTo(
            "Fix u1\n\nFleetq-Job: job-test0000001\nFleetq-Unit: u1\nFleetq-Attempt: 1\n"
                + "Fleetq-Worker: w7\n");
  }

  @Test
  void theLogTailIsTheLastFortyLines() throws IOException {
    Path log = dir.resolve("agent.log");
    Files.writeString(
        log,
        IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));

    String tail = LogTail.of(log);

    assertThat(tail.lines()).as("lines").hasSize(LogTail.LINES).first().isEqualTo("line 61");
    assertThat(tail).as("tail").endsWith("line 100");
    assertThat(LogTail.of(dir.resolve("missing.log"))).as("missing log").contains("could not");
  }

  @Test
  void aTooLongDetailKeepsItsEnd() {
    assertThat(Outbox.tail("abcdefghij", 8)).as("cut").isEqualTo("[…] ghij");
    assertThat(Outbox.tail("short", 8)).as("short").isEqualTo("short");
    assertThat(Outbox.tail(null, 8)).as("none").isNull();
  }
}
