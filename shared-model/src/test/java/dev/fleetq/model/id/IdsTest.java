package dev.fleetq.model.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"u1", "job-7k2m9x0qdv4c", "A", "a.b_c-d", "0"})
  void wellFormedIdParsesToItself(String value) {
    assertThat(UnitId.parse(value).value()).as("value").isEqualTo(value);
    assertThat(WorkerId.parse(value)).as("toString").hasToString(value);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"-u1", ".hidden", "a b", "a/b", "a:b", "ü", "u\n"})
  void malformedIdIsRefusedNamingTheValue(String value) {
    InvalidMessageException e =
        catchThrowableOfType(InvalidMessageException.class, () -> JobId.parse(value));

    assertThat(e).as("refusal of %s", value).isNotNull();
    assertThat(e.path()).as("path").isEqualTo("$");
  }

  @Test
  void idLongerThan128CharactersIsRefused() {
    assertThat(UnitId.parse("u".repeat(128)).value()).as("128 characters").hasSize(128);
    assertThat(
            catchThrowableOfType(
                InvalidMessageException.class, () -> UnitId.parse("u".repeat(129))))
        .as("129 characters")
        .isNotNull();
  }

  @Test
  void randomJobIdsComeFromTheInjectedGeneratorAndDiffer() {
    JobId first = JobId.random(new SplittableRandom(42));
    JobId again = JobId.random(new SplittableRandom(42));
    SplittableRandom random = new SplittableRandom(7);
    Set<JobId> drawn = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      drawn.add(JobId.random(random));
    }

    assertThat(first.value()).as("drawn id").matches("job-[0-9a-hjkmnp-tv-z]{12}");
    assertThat(again).as("same seed, same id").isEqualTo(first);
    assertThat(drawn).as("distinct ids out of 1000").hasSize(1000);
  }

  @Test
  void unitKeyIsJobAndUnitJoinedBySlash() {
    UnitKey key = new UnitKey(JobId.parse("job-1"), UnitId.parse("u7"));

    assertThat(key.value()).as("wire form").isEqualTo("job-1/u7");
    assertThat(UnitKey.parse("job-1/u7")).as("parsed").isEqualTo(key);
    assertThat(Json.decode("\"job-1/u7\"", UnitKey.class)).as("decoded").isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"job-1", "job-1/u7/x", "/u7", "job-1/", "job 1/u7"})
  void malformedUnitKeyIsRefused(String value) {
    assertThat(catchThrowableOfType(InvalidMessageException.class, () -> UnitKey.parse(value)))
        .as("refusal of %s", value)
        .isNotNull();
  }

  @Test
  void repoIdIsTheRepositoryNameAndAHashOfTheNormalizedUrl() {
    RepoId id = RepoId.fromUrl("https://github.com/acme/calculator.git");

    assertThat(id.value()).as("repo id").matches("calculator-[0-9a-f]{8}");
    assertThat(RepoId.fromUrl("https://github.com/acme/calculator/"))
        .as("without .git, with a slash")
        .isEqualTo(id);
    assertThat(RepoId.fromUrl("https://github.com/acme/calculator.git/"))
        .as("with .git and a slash")
        .isEqualTo(id);
    assertThat(RepoId.fromUrl("https://github.com/other/calculator.git"))
        .as("same name, other owner")
        .isNotEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "git@github.com:acme/calc.git",
        "git@github.com:calc",
        "/srv/git/calc",
        "file:///srv/git/calc.git",
        "ssh://git@host:2222/acme/calc"
      })
  void repoIdOfAnyUrlShapeStartsWithTheRepositoryName(String url) {
    assertThat(RepoId.fromUrl(url).value()).as("repo id of %s", url).matches("calc-[0-9a-f]{8}");
  }

  @Test
  void repoIdOfAnUnreadableNameIsStillAValidId() {
    assertThat(RepoId.fromUrl("/srv/git/.../!!!").value())
        .as("repo id")
        .matches("repo-[0-9a-f]{8}");
    assertThat(RepoId.fromUrl("/srv/git/my repo (old)").value())
        .as("repo id")
        .matches("my-repo--old--[0-9a-f]{8}");
  }
}
