package dev.fleetq.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fleetq.model.wire.InvalidMessageException;
import dev.fleetq.model.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a running {@code fleetq local} (or {@code fleetq demo --keep}) serves, written to {@value
 * #FILE_NAME} under its data directory so that {@code fleetq submit}, {@code status} and {@code
 * jobs} find it with no flags: the API's base URL, the Kafka bootstrap servers and the API's bearer
 * token. The file is readable by its owner only, since it holds the token.
 *
 * @param api the HTTP API's base URL
 * @param kafka the Kafka bootstrap servers
 * @param token the bearer token the API requires
 */
public record Endpoints(
    @JsonProperty("api") String api,
    @JsonProperty("kafka") String kafka,
    @JsonProperty("token") String token) {

  /** The file's name under a data directory. */
  public static final String FILE_NAME = "endpoints.json";

  /** Where the client commands look when given no flags: {@code fleetq local}'s default. */
  static final String DEFAULT_FILE = ".fleetq/local/" + FILE_NAME;

  public Endpoints {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(token, "token");
  }

  /**
   * Writes the endpoints to {@code file}, owner-only, replacing it in one step.
   *
   * @throws UncheckedIOException naming the file if it cannot be written
   */
  public void write(Path file) {
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.deleteIfExists(temporary);
      Files.createFile(
          temporary,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(temporary, Json.encode(this));
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the endpoints file " + file, e);
    }
  }

  /**
   * The endpoints in {@code file}, or empty when there is no such file.
   *
   * @throws ApiClient.Failed naming the file if it cannot be read or is not an endpoints file
   */
  static Optional<Endpoints> read(Path file) {
    try {
      return Optional.of(Json.decode(Files.readAllBytes(file), Endpoints.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | InvalidMessageException e) {
      throw new ApiClient.Failed("cannot read the endpoints file " + file + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "Endpoints[api=" + api + ", kafka=" + kafka + ", token=(hidden)]";
  }
}
