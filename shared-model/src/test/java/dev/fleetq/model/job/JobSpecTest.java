package dev.fleetq.model.job;

import static dev.fleetq.model.ModelFixtures.aRepoSpec;
import static dev.fleetq.model.ModelFixtures.aUnitSpec;
import static dev.fleetq.model.ModelFixtures.anAgentSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleetq.model.ModelFixtures;
import dev.fleetq.model.id.JobId;
import dev.fleetq.model.id.UnitId;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records built in Java check the same rules as the codec, reporting paths relative to themselves.
 */
class JobSpecTest {

  @Test
  void recordBuiltInJavaReportsThePathRelativeToItself() {
    InvalidMessageException e =
        catchThrowableOfType(
            InvalidMessageException.class,
            () -> new AgentSpec("./agent.sh", null, null, Duration.ofSeconds(-5), 3));

    assertThat(e.getMessage()).as("message").isEqualTo("timeout: must be positive, got PT-5S");
  }

  @Test
  void agentWithoutNetworkGetsNoneAndKeepsItThroughTheCodec() {
    AgentSpec agent = Json.decode("{\"command\": \"./agent.sh\"}", AgentSpec.class);

    assertThat(agent.network()).as("network when absent").isEqualTo(AgentSpec.DEFAULT_NETWORK);
    assertThat(Json.decode(Json.encodeToString(agent), AgentSpec.class).network())
        .as("network after a round trip")
        .isEqualTo("none");
  }

  @ParameterizedTest
  @ValueSource(strings = {"host", "container:abc", "-bridge", "two words"})
  void networkThatWouldShareANamespaceOrIsNoNameIsRefusedNamingIt(String network) {
    InvalidMessageException e =
        catchThrowableOfType(
            InvalidMessageException.class,
            () -> new AgentSpec("./agent.sh", "img:1", null, null, 3, network));

    assertThat(e.path()).as("path").isEqualTo("network");
    assertThat(e.problem()).as("problem").contains(network);
  }

  @Test
  void duplicateUnitIdNamesBothPlaces() {
    List<UnitSpec> units = List.of(aUnitSpec("u1"), aUnitSpec("u2"), aUnitSpec("u1"));

    InvalidMessageException e =
        catchThrowableOfType(InvalidMessageException.class, () -> new ExplicitUnitsPlan(units));

    assertThat(e.path()).as("path").isEqualTo("units[2].id");
    assertThat(e.problem()).as("problem").isEqualTo("duplicate unit id 'u1' (also at units[0])");
  }

  @Test
  void failingTestsJobWithoutGateIsGatedByItsOwnTestCommand() {
    JobSpec job = ModelFixtures.aJobSpec();

    assertThat(job.gate()).as("gate").isEqualTo(ModelFixtures.aFailingTestsPlan().gate());
    assertThat(job.gate().testCommand()).as("gate command").isEqualTo("mvn -B -q test");
  }

  @Test
  void gateWithoutAllowancesAllowsNeitherTestEditsNorProtectedPaths() {
    GateSpec gate =
        Json.decode("{\"testCommand\": \"make test\", \"allowTestEdits\": null}", GateSpec.class);

    assertThat(gate.allowTestEdits()).as("test edits allowed").isFalse();
    assertThat(gate.allowProtectedPaths()).as("protected paths allowed").isFalse();
  }

  @Test
  void gateAllowancesTravelThroughTheCodec() {
    GateSpec gate = ModelFixtures.aGateSpec().withAllowances(true, true);

    GateSpec decoded = Json.decode(Json.encodeToString(gate), GateSpec.class);

    assertThat(decoded).as("decoded gate").isEqualTo(gate);
    assertThat(decoded.allowTestEdits()).as("test edits allowed").isTrue();
  }

  @Test
  void withIdKeepsEverythingElse() {
    JobSpec job = ModelFixtures.aJobSpecWithUnits(2);
    JobId id = JobId.parse("job-other");

    JobSpec renamed = job.withId(id);

    assertThat(renamed.id()).as("id").isEqualTo(id);
    assertThat(renamed.withId(job.id())).as("renamed back").isEqualTo(job);
  }

  @Test
  void collectionsAreCopiedSoTheCallerCannotChangeTheRecord() {
    List<String> scope = new ArrayList<>(List.of("src/**"));
    Map<String, String> labels = new HashMap<>(Map.of("team", "a"));
    UnitSpec unit = new UnitSpec(UnitId.parse("u1"), "t", "p", null, scope);
    JobSpec job =
        new JobSpec(
            null,
            aRepoSpec(),
            new ExplicitUnitsPlan(List.of(unit)),
            anAgentSpec(),
            ModelFixtures.aGateSpec(),
            0,
            labels);

    scope.add("docs/**");
    labels.put("team", "b");

    assertThat(unit.scope()).as("scope").containsExactly("src/**");
    assertThat(unit.targetTests()).as("absent target tests").isEmpty();
    assertThat(job.labels()).as("labels").containsEntry("team", "a");
  }

  @Test
  void promptLimitCountsCharactersNotUtf16Units() {
    String emoji = "\ud83d\ude00";

    UnitSpec atLimit = new UnitSpec(UnitId.parse("u1"), "t", emoji.repeat(65_536), null, null);
    InvalidMessageException e =
        catchThrowableOfType(
            InvalidMessageException.class,
            () -> new UnitSpec(UnitId.parse("u1"), "t", emoji.repeat(65_537), null, null));

    assertThat(atLimit.prompt()).as("prompt at the limit").hasSize(131_072);
    assertThat(e.getMessage())
        .as("over the limit")
        .isEqualTo("prompt: 65537 characters exceeds the limit of 65536");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/acme/calc.git",
        "http://localhost:8080/calc",
        "ssh://git@github.com/acme/calc.git",
        "git://example.com/calc",
        "file:///srv/git/calc.git",
        "git@github.com:acme/calc.git",
        "/srv/git/calc"
      })
  void everyGitUrlShapeIsAccepted(String url) {
    assertThat(new RepoSpec(url, null).url()).as("url").isEqualTo(url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"main", "feature/x", "release-1.2", "fleetq/job-1/u1/a2", "a.b", "v1@2"})
  void validBranchNameIsAccepted(String branch) {
    assertThat(new RepoSpec("/srv/git/calc", branch).branch()).as("branch").isEqualTo(branch);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-x", "a b", "a..b", "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b", "/a", "a/", "a.",
        "a.lock", "a/.b", ".a", "a//b", "a@{1}", "@", "a\tb"
      })
  void invalidBranchNameIsRefused(String branch) {
    InvalidMessageException e =
        catchThrowableOfType(
            InvalidMessageException.class, () -> new RepoSpec("/srv/git/calc", branch));

    assertThat(e).as("refusal of %s", branch).isNotNull();
    assertThat(e.path()).as("path").isEqualTo("branch");
  }

  @Test
  void reportGlobsMissingGetTheDefaultButAnEmptyListIsAnError() {
    assertThat(new GateSpec("make test", null, null).reportGlobs())
        .as("default globs")
        .isEqualTo(GateSpec.DEFAULT_REPORT_GLOBS);
    assertThat(
            catchThrowableOfType(
                InvalidMessageException.class, () -> new GateSpec("make test", List.of(), null)))
        .as("empty globs")
        .hasMessage("reportGlobs: must not be empty");
  }
}
