package dev.fleetq.worker.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The last lines of an agent's or a test command's log, for the detail of a failed attempt or a
 * suite result. Reads at most the file's last {@value #MAX_BYTES} bytes, so a huge log costs no
 * more than a small one.
 *
 * <p>Stateless and thread-safe.
 */
public final class LogTail {
  static final int LINES = 40;
  static final int MAX_BYTES = 16 * 1024;

  private LogTail() {}

  /** The last {@value #LINES} lines of {@code log}, or a note saying why there are none. */
  static String of(Path log) {
    return of(log, LINES, null);
  }

  /**
   * The last {@code count} lines of {@code log} that do not start with {@code skipPrefix} (null
   * skips none), or a note saying why there are none.
   */
  public static String of(Path log, int count, String skipPrefix) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, file.length() - MAX_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      if (start > 0 && !lines.isEmpty()) {
        lines = lines.subList(1, lines.size()); // the first line is probably cut
      }
      if (skipPrefix != null) {
        lines = lines.stream().filter(line -> !line.startsWith(skipPrefix)).toList();
      }
      return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException e) {
      return "(the log " + log + " could not be read: " + e.getMessage() + ")";
    }
  }
}
