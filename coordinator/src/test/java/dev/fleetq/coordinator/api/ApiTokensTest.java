package dev.fleetq.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  @Test
  void aTokenFileSkipsCommentsAndBlankLines() throws Exception {
    Path file =
        Files.writeString(dir.resolve("tokens"), "# rotated 2026-12\n\n  " + TOKEN + "  \n");

    ApiTokens tokens = ApiTokens.read(file);

    assertThat(tokens.required()).as("required").isTrue();
    assertThat(tokens.refusal("Bearer " + TOKEN)).as("refusal of the token").isEmpty();
    assertThat(tokens.refusal(null)).as("refusal without a header").isPresent();
  }

  @Test
  void aFileWithoutAUsableTokenIsRefusedNamingIt() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "# nothing yet\n");
    Path weak = Files.writeString(dir.resolve("weak"), "hunter2\n");

    assertThatThrownBy(() -> ApiTokens.read(empty))
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("no API token");
    assertThatThrownBy(() -> ApiTokens.read(weak))
        .hasMessageContaining(weak.toString())
        .hasMessageContaining("at least 32 characters");
    assertThatThrownBy(() -> ApiTokens.read(dir.resolve("absent")))
        .hasMessageContaining("cannot read the API token file");
  }

  @Test
  void theOpenApiAcceptsAnything() {
    assertThat(ApiTokens.OPEN.required()).as("required").isFalse();
    assertThat(ApiTokens.OPEN.refusal(null)).as("refusal").isEmpty();
  }
}
