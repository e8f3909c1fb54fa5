package dev.headroom.gateway;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * What the loopback server accepts, as pure checks. Every request must name the server in its Host header
 * ({@code 127.0.0.1:PORT}, {@code localhost:PORT} or {@code [::1]:PORT}): a DNS-rebound page sends its own host
 * name and is refused with 421. Headroom's own endpoints also refuse a non-loopback {@code Origin} (a web page's
 * request) and, for requests with a body, any {@code Content-Type} but {@code application/json} (the types a page may
 * send without a CORS preflight), with 403 and 415.
 *
 * <pre>{@code
 * LoopbackGuard.host(ex.getRequestHeaders().getFirst("Host"), port).ifPresent(reject -> send(reject));
 * }</pre>
 */
final class LoopbackGuard {
  /** Why a request was refused. */
  record Rejection(int status, String message) {}

  private LoopbackGuard() {}

  /** The Host values a server on one port answers, precomputed (checked on every request). */
  static final class Hosts {
    private final int port;
    private final String ip4;
    private final String name;
    private final String ip6;

    Hosts(int port) {
      this.port = port;
      this.ip4 = "127.0.0.1:" + port;
      this.name = "localhost:" + port;
      this.ip6 = "[::1]:" + port;
    }

    Optional<Rejection> check(String host) {
      if (host != null && (host.equals(ip4) || host.equalsIgnoreCase(name) || host.equals(ip6))) {
        return Optional.empty();
      }
      return host(host, port);
    }
  }

  /** Checks the Host header against the bound port. */
  static Optional<Rejection> host(String host, int port) {
    if (host == null || host.isBlank()) {
      return Optional.of(new Rejection(421, "Missing Host header: send Host: 127.0.0.1:" + port));
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    String p = ":" + port;
    if (h.equals("127.0.0.1" + p) || h.equals("localhost" + p) || h.equals("[::1]" + p)) {
      return Optional.empty();
    }
    return Optional.of(new Rejection(421, "Host '" + printable(host) + "' is not this server: only 127.0.0.1" + p
        + ", localhost" + p + " and [::1]" + p + " are answered"));
  }

  /** Checks a request to one of Headroom's own endpoints (not a proxied route). */
  static Optional<Rejection> ownEndpoint(String method, String origin, String contentType) {
    if (origin != null && !loopbackOrigin(origin)) {
      return Optional.of(new Rejection(403, "Requests from web pages are refused (Origin '" + printable(origin)
          + "')"));
    }
    String m = method.toUpperCase(Locale.ROOT);
    if ((m.equals("POST") || m.equals("PUT") || m.equals("PATCH")) && !isJson(contentType)) {
      return Optional.of(new Rejection(415, "Content-Type must be application/json, got '"
          + (contentType == null ? "" : printable(contentType)) + "'"));
    }
    return Optional.empty();
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.equalsIgnoreCase("application/json");
  }

  /** {@code http(s)://127.0.0.1[:port]}, {@code localhost} or {@code [::1]}; "null" and everything else are not. */
  static boolean loopbackOrigin(String origin) {
    try {
      URI u = new URI(origin.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
      boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null
          && u.getUserInfo() == null;
      return (scheme.equals("http") || scheme.equals("https")) && bare
          && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** A header value safe to echo in a message or a log: control characters escaped, length capped. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
