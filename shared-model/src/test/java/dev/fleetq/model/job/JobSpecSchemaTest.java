package dev.fleetq.model.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import dev.fleetq.model.wire.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schema in {@code docs/} and the records accept the same jobs: every example under {@code
 * jobs/valid} passes both, every example under {@code jobs/invalid} fails both, the latter at the
 * path its {@code _expectedPath} field names.
 */
class JobSpecSchemaTest {

  private static final Path SCHEMA = Path.of("../docs/job-spec.schema.json");
  private static final Path EXAMPLES = Path.of("src/test/resources/jobs");
  private static final ObjectMapper TREES = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private static JsonNode schemaTree;
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    schemaTree = TREES.readTree(SCHEMA.toFile());
    schema = FACTORY.getSchema(schemaTree);
  }

  @Test
  void schemaIsAValidDraft202012Schema() {
    JsonSchema metaSchema =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    assertThat(metaSchema.validate(schemaTree)).as("meta-schema violations").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validExamples")
  void validExampleJobPassesTheSchemaAndDecodes(Path example) throws IOException {
    String json = Files.readString(example);

    assertThat(schema.validate(TREES.readTree(json))).as("schema violations").isEmpty();
    assertThat(Json.decode(json, JobSpec.class)).as("decoded job").isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  void invalidExampleJobFailsTheSchemaAndTheDecoderAtTheSamePath(Path example) throws IOException {
    String json = Files.readString(example);
    JsonNode tree = TREES.readTree(json);
    String expectedPath = tree.path("_expectedPath").asText();

    Set<ValidationMessage> violations = schema.validate(tree);

    assertThat(violations)
        .as("schema violations")
        .extracting(v -> v.getInstanceLocation().toString())
        .containsAnyOf(schemaPath(expectedPath), parentOf(schemaPath(expectedPath)));
    assertThatThrownBy(() -> Json.decode(json, JobSpec.class))
        .as("decoding " + example.getFileName())
        .isInstanceOfSatisfying(
            InvalidMessageException.class,
            e -> assertThat(e.path()).as("path of " + e.getMessage()).isEqualTo(expectedPath));
  }

  @Test
  void schemaStatesTheSameDefaultsAsTheRecords() {
    JsonNode defs = schemaTree.path("$defs");

    assertThat(defs.at("/repo/properties/branch/default").asText())
        .as("default branch")
        .isEqualTo(RepoSpec.DEFAULT_BRANCH);
    assertThat(strings(defs.at("/testRun/properties/reportGlobs/default")))
        .as("default report globs")
        .isEqualTo(GateSpec.DEFAULT_REPORT_GLOBS);
    assertThat(defs.at("/testRun/properties/timeout/default").asText())
        .as("default test timeout")
        .isEqualTo(GateSpec.DEFAULT_TIMEOUT.toString());
    assertThat(defs.at("/agent/properties/timeout/default").asText())
        .as("default agent timeout")
        .isEqualTo(AgentSpec.DEFAULT_TIMEOUT.toString());
    assertThat(defs.at("/agent/properties/maxAttempts/default").asInt())
        .as("default attempts")
        .isEqualTo(AgentSpec.DEFAULT_MAX_ATTEMPTS);
    assertThat(defs.at("/agent/properties/network/default").asText())
        .as("default network")
        .isEqualTo(AgentSpec.DEFAULT_NETWORK);
    assertThat(defs.at("/agent/properties/network/not/const").asText())
        .as("the network a job may never ask for")
        .isEqualTo(AgentSpec.HOST_NETWORK);
    assertThat(defs.at("/agent/properties/network/pattern").asText())
        .as("network pattern")
        .isEqualTo("^" + AgentSpec.NETWORK.pattern() + "$");
    assertThat(
            schemaTree
                .at("/$defs/plan/allOf/0/then/properties/groupBy/default")
                .asText()
                .toUpperCase(Locale.ROOT))
        .as("default grouping of failing tests")
        .isEqualTo(FailingTestsPlan.DEFAULT_GROUP_BY.name());
    assertThat(schemaTree.at("/properties/priority/default").asInt())
        .as("default priority")
        .isEqualTo(JobSpec.DEFAULT_PRIORITY);
  }

  @Test
  void schemaStatesTheSameLimitsAsTheRecords() {
    JsonNode defs = schemaTree.path("$defs");
    JsonNode units = defs.at("/plan/allOf/1/then/properties/units");

    assertThat(units.path("maxItems").asInt()).as("units").isEqualTo(Limits.MAX_UNITS_PER_JOB);
    assertThat(defs.at("/unit/properties/prompt/maxLength").asInt())
        .as("prompt")
        .isEqualTo(Limits.MAX_PROMPT_CHARS);
    assertThat(defs.at("/unit/properties/title/maxLength").asInt())
        .as("title")
        .isEqualTo(Limits.MAX_TITLE_CHARS);
    assertThat(defs.at("/command/maxLength").asInt())
        .as("command")
        .isEqualTo(Limits.MAX_COMMAND_CHARS);
    assertThat(defs.at("/repo/properties/url/maxLength").asInt())
        .as("url")
        .isEqualTo(Limits.MAX_URL_CHARS);
    assertThat(defs.at("/agent/properties/maxAttempts/maximum").asInt())
        .as("attempts")
        .isEqualTo(Limits.MAX_ATTEMPTS);
    assertThat(defs.at("/agent/properties/network/maxLength").asInt())
        .as("network")
        .isEqualTo(Limits.MAX_NETWORK_CHARS);
    assertThat(schemaTree.at("/properties/labels/maxProperties").asInt())
        .as("labels")
        .isEqualTo(Limits.MAX_LABELS);
    assertThat(schemaTree.at("/properties/priority/minimum").asInt())
        .as("lowest priority")
        .isEqualTo(Limits.MIN_PRIORITY);
    assertThat(schemaTree.at("/properties/priority/maximum").asInt())
        .as("highest priority")
        .isEqualTo(Limits.MAX_PRIORITY);
  }

  static Stream<Path> validExamples() {
    return examples("valid");
  }

  static Stream<Path> invalidExamples() {
    return examples("invalid");
  }

  private static Stream<Path> examples(String folder) {
    try (Stream<Path> files = Files.list(EXAMPLES.resolve(folder))) {
      List<Path> examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      assertThat(examples).as(folder + " examples").isNotEmpty();
      return examples.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema validator writes {@code plan.units[0]} as {@code $.plan.units[0]}. */
  private static String schemaPath(String path) {
    return "$." + path;
  }

  /** A missing property is reported at the object that lacks it. */
  private static String parentOf(String path) {
    return path.substring(0, Math.max(path.lastIndexOf('.'), path.lastIndexOf('[')));
  }

  private static List<String> strings(JsonNode array) {
    return Stream.of(TREES.convertValue(array, String[].class)).toList();
  }
}
