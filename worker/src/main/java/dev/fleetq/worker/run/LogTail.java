package dev.fleetq.worker.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The last lines of an agent's log, for the detail of a failed attempt. Reads at most the file's
 * last {@value #MAX_BYTES} bytes, so a huge log costs no more than a small one.
 *
 * <p>Stateless and thread-safe.
 */
final class LogTail {
  static final int LINES = 40;
  static final int MAX_BYTES = 16 * 1024;

  private LogTail() {}

  /** The last {@value #LINES} lines of {@code log}, or a note saying why there are none. */
  static String of(Path log) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, file.length() - MAX_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      if (start > 0 && !lines.isEmpty()) {
        lines = lines.subList(1, lines.size()); // the first line is probably cut
      }
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LINES), lines.size()));
    } catch (IOException e) {
      return "(the agent's log " + log + " could not be read: " + e.getMessage() + ")";
    }
  }
}
