package dev.fleetq.worker.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The run's log file, where the container's output and the sandbox's header and footer lines go.
 *
 * <p>Thread-safe: written by the container's output thread and by the slot's thread.
 */
final class ContainerLog implements AutoCloseable {
  private final OutputStream out;

  private ContainerLog(OutputStream out) {
    this.out = out;
  }

  static ContainerLog open(Path file) {
    try {
      Path parent = file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new ContainerLog(
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("could not open the sandbox log " + file, e);
    }
  }

  synchronized void write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the sandbox log", e);
    }
  }

  void line(String text) {
    write((text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not close the sandbox log", e);
    }
  }
}
