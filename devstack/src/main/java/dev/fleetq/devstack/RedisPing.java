package dev.fleetq.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a Redis server on the loopback interface whether it serves commands, with a plain PING over
 * a socket, so that devstack needs no Redis client.
 *
 * <p>Stateless and thread-safe.
 */
final class RedisPing {
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(500);

  private RedisPing() {}

  /**
   * True if the server answered {@code +PONG}; false if it refused, was still loading, or was
   * silent.
   */
  static boolean answers(int port) {
    int timeoutMs = (int) ATTEMPT_TIMEOUT.toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      return "+PONG".equals(in.readLine());
    } catch (IOException notYet) {
      return false;
    }
  }
}
