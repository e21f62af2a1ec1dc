package dev.fleetq.devstack;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * Formats a new KRaft data directory (what {@code kafka-storage.sh format} does) and leaves one
 * that is already formatted alone, so that a local run keeps its topics and records across
 * restarts.
 *
 * <p>Stateless and thread-safe.
 */
final class StorageFormat {
  private StorageFormat() {}

  static void formatIfNew(Path dataDir) {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      new Formatter()
          .setPrintStream(
              new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
          .setNodeId(BrokerProperties.NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(dataDir.toString()))
          .setMetadataLogDirectory(dataDir.toString())
          .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
          .run();
    } catch (Exception e) {
      throw new DevStackException("cannot format the Kafka data directory " + dataDir, e);
    }
  }
}
