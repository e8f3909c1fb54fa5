package dev.headroom.gateway;

import java.time.Duration;

/**
 * How long the loopback server waits for a client, and how many clients it keeps open, so that connections that
 * never finish a request cannot pile up (each holds a file descriptor and, mid-request, buffers).
 *
 * @param idle a connection with no request in progress (new, or kept alive after an answer) that sends no byte
 *     within this time is closed (as nginx's keepalive_timeout / client_header_timeout do)
 * @param headers a request's headers must be complete within this time of its first byte (a client trickling header
 *     bytes cannot extend it); then 408 and the connection is closed
 * @param body a request body that stops arriving for this long gets 408 and the connection is closed
 * @param maxConnections open client connections at most; one more is answered 503 and closed at once
 */
record ClientLimits(Duration idle, Duration headers, Duration body, int maxConnections) {
  /** What the app runs with. */
  static final ClientLimits DEFAULT = new ClientLimits(Duration.ofSeconds(60), Duration.ofSeconds(10),
      Duration.ofSeconds(30), 512);

  ClientLimits {
    if (idle.isNegative() || idle.isZero() || headers.isNegative() || headers.isZero() || body.isNegative()
        || body.isZero()) {
      throw new IllegalArgumentException("Client timeouts must be positive");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1");
    }
  }
}
