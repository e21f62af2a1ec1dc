package dev.fleetq.model.wire;

import static dev.fleetq.model.wire.JsonEdit.remove;
import static dev.fleetq.model.wire.JsonEdit.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.gate.GateVerdict;
import dev.fleetq.model.job.JobSpec;
import dev.fleetq.model.unit.Event;
import dev.fleetq.model.unit.JobStatus;
import dev.fleetq.model.unit.UnitEvent;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input fails with one exception type, the full JSON path of the offending field,
 * and a problem a person can act on. Most cases take a valid message and change one field.
 */
class JsonRejectsBadInputTest {

  private static final String FAILING_TESTS_JOB =
      """
      {"repo": {"url": "https://github.com/acme/calc.git"},
       "plan": {"kind": "failing-tests", "testCommand": "mvn -q test"},
       "agent": {"command": "./agent.sh"}}
      """;

  private static final String UNITS_JOB =
      """
      {"repo": {"url": "https://github.com/acme/calc.git"},
       "plan": {"kind": "units", "units": [
         {"id": "u1", "title": "Fix adding", "prompt": "Make adds pass.", "scope": ["src/**"]},
         {"id": "u2", "title": "Fix dividing", "prompt": "Make divides pass."},
         {"id": "u3", "title": "Fix parsing", "prompt": "Make parses pass."}]},
       "agent": {"command": "./agent.sh"},
       "gate": {"testCommand": "mvn -q test"}}
      """;

  private static final String UNIT_EVENT =
      """
      {"type": "unit", "jobId": "job-1", "unitId": "u1", "attempt": 1, "status": "LANDED",
       "at": "2026-01-31T12:00:00Z"}
      """;

  /** A value of {@code ABSENT} removes the field instead of setting it. */
  private static final String ABSENT = "ABSENT";

  @ParameterizedTest(name = "{0} job, {1} = {2}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          failing | priority                  | "5"                   | priority                  | expected an integer, got a string
          failing | priority                  | 5.5                   | priority                  | expected an integer, got a decimal number
          failing | priority                  | 99999999999           | priority                  | out of range
          failing | priority                  | 101                   | priority                  | must be between -100 and 100, got 101
          failing | agent.timeout             | 30                    | agent.timeout             | expected an ISO-8601 duration such as PT10M, got a number
          failing | agent.timeout             | "ten minutes"         | agent.timeout             | expected an ISO-8601 duration such as PT10M, got 'ten minutes'
          failing | plan.testCommand          | 5                     | plan.testCommand          | expected a string, got a number
          failing | agent.envAllowList        | "HOME"                | agent.envAllowList        | expected an array, got a string
          failing | repo                      | "https://x/y"         | repo                      | expected an object, got a string
          failing | agent.maxAttempts         | true                  | agent.maxAttempts         | expected an integer, got a boolean
          failing | repo                      | ABSENT                | repo                      | is required
          failing | plan.testCommand          | ABSENT                | plan.testCommand          | is required
          units   | plan.units[1].id          | ABSENT                | plan.units[1].id          | is required
          failing | agent.command             | null                  | agent.command             | is required
          failing | plan.kind                 | "x"                   | plan.kind                 | unknown plan kind 'x' (expected one of: failing-tests, units)
          failing | plan.groupBy              | "cluster"             | plan.groupBy              | unknown value 'cluster' (expected one of: test, signature, class, file)
          failing | plan.kind                 | ABSENT                | plan.kind                 | is required
          failing | agent.timeout             | "PT-5S"               | agent.timeout             | must be positive, got PT-5S
          failing | plan.timeout              | "PT0S"                | plan.timeout              | must be positive, got PT0S
          units   | gate.timeout              | "PT25H"               | gate.timeout              | PT25H exceeds the limit of PT24H
          units   | plan.units[2].id          | "u1"                  | plan.units[2].id          | duplicate unit id 'u1' (also at plan.units[0])
          units   | plan.units[1].id          | "u 2"                 | plan.units[1].id          | unit id must be 1 to 128 letters
          units   | plan.units                | []                    | plan.units                | must not be empty
          units   | gate                      | ABSENT                | gate                      | is required
          failing | agent.command             | ""                    | agent.command             | must not be empty
          failing | plan.testCommand          | " \\t "               | plan.testCommand          | must not be blank
          units   | plan.units[1].title       | "   "                 | plan.units[1].title       | must not be blank
          units   | plan.units[2].prompt      | ABSENT                | plan.units[2].prompt      | is required
          failing | repo.url                  | "foo"                 | repo.url                  | must be a git URL (https://, ssh://, git@host:path, file:// or an absolute path), got 'foo'
          failing | repo.url                  | "ssh://-oProxyCommand=x/y" | repo.url             | must be a git URL
          failing | repo.branch               | "my branch"           | repo.branch               | must be a valid git branch name
          failing | repo.branch               | "a..b"                | repo.branch               | must be a valid git branch name
          failing | repo.branch               | "-f"                  | repo.branch               | must be a valid git branch name
          units   | plan.units[0].scope       | ["src/[a"]            | plan.units[0].scope[0]    | is not a valid glob
          units   | plan.units[0].scope       | ["src/**", "src/../../etc/*"] | plan.units[0].scope[1] | must stay inside the repository (no '..' segment)
          units   | plan.units[0].scope       | ["/etc/*"]            | plan.units[0].scope[0]    | must be relative to the repository root
          failing | plan.reportGlobs          | []                    | plan.reportGlobs          | must not be empty
          units   | plan.units[2].targetTests | ["a", null]           | plan.units[2].targetTests[1] | is required
          failing | labels                    | {"Team": "a"}         | labels                    | key 'Team' must be 1 to 63 lowercase letters
          failing | labels                    | {"team": 1}           | labels.team               | expected a string, got a number
          failing | agent.envAllowList        | ["HOME", "API-KEY"]   | agent.envAllowList[1]     | must be an environment variable name
          failing | agent.image               | "--privileged"        | agent.image               | must be a container image reference
          failing | agent.maxAttempts         | 0                     | agent.maxAttempts         | must be between 1 and 20, got 0
          failing | id                        | "job/1"               | id                        | job id must be 1 to 128 letters
          """)
  void jobWithOneBadFieldIsRefusedWithItsPathAndProblem(
      String job, String field, String value, String path, String problem) {
    String json = edit(job.equals("units") ? UNITS_JOB : FAILING_TESTS_JOB, field, value);

    assertRefused(json, JobSpec.class, path, problem);
  }

  static Stream<Arguments> badDocuments() {
    return Stream.of(
        arguments("{\n  \"priority\": 1,\n  \"repo\" {}\n}", "$", "malformed JSON at line 3"),
        arguments("{\"repo\": {\"url\": ", "$", "malformed JSON"),
        arguments(FAILING_TESTS_JOB + " {}", "$", "unexpected data after the end"),
        arguments(FAILING_TESTS_JOB + " garbage", "$", "Unrecognized token 'garbage'"),
        arguments("{\"priority\": 1, \"priority\": 2}", "$", "Duplicate field 'priority'"),
        arguments("  ", "$", "is empty"),
        arguments("[]", "$", "expected an object, got an array"),
        arguments("null", "$", "expected an object, got null"),
        arguments(
            set(UNITS_JOB, "plan.units[0].prompt", text(10_485_760)),
            "plan.units[0].prompt",
            "10485760 characters exceeds the limit of 65536"),
        arguments(
            set(FAILING_TESTS_JOB, "agent.command", text(8193)),
            "agent.command",
            "8193 characters exceeds the limit of 8192"),
        arguments(
            set(UNITS_JOB, "plan.units", units(5001)),
            "plan.units",
            "5001 entries exceeds the limit of 5000"),
        arguments(
            set(FAILING_TESTS_JOB, "labels", labels(33)),
            "labels",
            "33 entries exceeds the limit of 32"));
  }

  @ParameterizedTest(name = "[{index}] {1}: {2}")
  @MethodSource("badDocuments")
  void badDocumentIsRefusedWithItsPathAndProblem(String json, String path, String problem) {
    assertRefused(json, JobSpec.class, path, problem);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          status  | "DONE"      | status  | unknown value 'DONE' (expected one of: PUBLISHED, CLAIMED, RUNNING
          status  | 3           | status  | unknown value '3'
          type    | "gate"      | type    | unknown event type 'gate' (expected one of: unit, job)
          type    | ABSENT      | type    | is required
          attempt | ABSENT      | attempt | is required
          attempt | 0           | attempt | must be at least 1, got 0
          at      | 1769860800  | at      | expected an ISO-8601 instant such as 2026-01-31T12:00:00Z, got a number
          at      | "yesterday" | at      | expected an ISO-8601 instant such as 2026-01-31T12:00:00Z, got 'yesterday'
          """)
  void eventWithOneBadFieldIsRefusedWithItsPathAndProblem(
      String field, String value, String path, String problem) {
    assertRefused(edit(UNIT_EVENT, field, value), Event.class, path, problem);
  }

  @Test
  void messageOverTheSizeLimitIsRefusedUnread() {
    byte[] huge = new byte[Limits.MAX_MESSAGE_BYTES + 1];

    InvalidMessageException e =
        catchThrowableOfType(InvalidMessageException.class, () -> Json.decode(huge, JobSpec.class));

    assertThat(e.getMessage())
        .as("message")
        .isEqualTo("$: message of 16777217 bytes exceeds the limit of 16777216");
  }

  @Test
  void verdictThatLandedWithoutACommitIsRefused() {
    String json =
        """
        {"jobId": "job-1", "unitId": "u1", "attempt": 1, "repo": "calc-1a2b3c4d",
         "outcome": "LANDED", "suiteRuns": 1, "duration": "PT1S",
         "decidedAt": "2026-01-31T12:00:00Z"}
        """;

    assertRefused(json, GateVerdict.class, "landedCommit", "is required");
  }

  @Test
  void eventDecodedAsTheWrongSubtypeIsRefused() {
    String jobEvent = Json.encodeToString(ModelFixtures.aJobEvent(JobStatus.RUNNING));

    assertRefused(jobEvent, UnitEvent.class, "type", "unknown event type 'job'");
  }

  private static void assertRefused(String json, Class<?> type, String path, String problem) {
    InvalidMessageException e =
        catchThrowableOfType(InvalidMessageException.class, () -> Json.decode(json, type));

    assertThat(e).as("refusal").isNotNull();
    assertThat(e.path()).as("path of: " + e.getMessage()).isEqualTo(path);
    assertThat(e.problem()).as("problem").contains(problem);
    assertThat(e.getMessage()).as("message").isEqualTo(path + ": " + e.problem());
  }

  private static String edit(String json, String field, String value) {
    return value.equals(ABSENT) ? remove(json, field) : set(json, field, value);
  }

  private static String text(int chars) {
    return "\"" + "x".repeat(chars) + "\"";
  }

  private static String units(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "{\"id\": \"u" + i + "\", \"title\": \"t\", \"prompt\": \"p\"}")
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static String labels(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "\"label-" + i + "\": \"x\"")
        .collect(Collectors.joining(",", "{", "}"));
  }
}
