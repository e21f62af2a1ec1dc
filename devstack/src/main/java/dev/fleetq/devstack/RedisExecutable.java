package dev.fleetq.devstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import redis.embedded.core.ExecutableProvider;

/**
 * Finds the {@code redis-server} to run: the one installed on the PATH, or else the binary for this
 * OS and CPU that the {@code embedded-redis} jar bundles, copied into a directory the caller owns.
 *
 * <p>Stateless and thread-safe.
 */
final class RedisExecutable {
  private static final String NAME = "redis-server";

  private RedisExecutable() {}

  static Path resolve(EmbeddedRedisConfig.RedisBinary binary, Path scratchDir) {
    if (binary == EmbeddedRedisConfig.RedisBinary.INSTALLED_OR_BUNDLED) {
      Optional<Path> installed = onPath();
      if (installed.isPresent()) {
        return installed.get();
      }
    }
    return bundled(scratchDir);
  }

  private static Optional<Path> onPath() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, NAME);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path bundled(Path scratchDir) {
    try {
      return ExecutableProvider.newJarResourceProvider(scratchDir.toFile()).get().toPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the bundled redis-server to " + scratchDir, e);
    }
  }
}
