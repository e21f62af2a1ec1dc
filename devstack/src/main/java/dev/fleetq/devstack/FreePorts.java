package dev.fleetq.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds TCP ports on the loopback interface that nothing listens on.
 *
 * <p>The port is released before the server binds it, so another process may take it in between:
 * callers retry with a new port when the bind fails. Stateless and thread-safe.
 */
final class FreePorts {
  private FreePorts() {}

  static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback interface", e);
    }
  }

  static int pickOtherThan(int taken) {
    int port = pick();
    while (port == taken) {
      port = pick();
    }
    return port;
  }
}
