package dev.headroom.gateway;

import java.net.URI;

/**
 * A backend's base URL, parsed once rather than per request: the key its kept-alive connections are pooled under
 * (this object itself: equal by identity, one per URL in {@link UpstreamPool#backend(URI)}), the Host header it is
 * sent, and the path prefix requests are sent under.
 */
final class Backend {
  final URI base;
  final String host;
  final int port;
  final boolean https;
  final String hostHeader;
  private final String pathPrefix;

  Backend(URI base) {
    this.base = base;
    this.host = base.getHost();
    this.https = base.getScheme().equalsIgnoreCase("https");
    this.port = base.getPort() >= 0 ? base.getPort() : https ? 443 : 80;
    this.hostHeader = host + (port == (https ? 443 : 80) ? "" : ":" + port);
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The request target at this backend for {@code pathAndQuery} (the path after the route's prefix). */
  String target(String pathAndQuery) {
    String t = pathPrefix.isEmpty() ? pathAndQuery : pathPrefix + pathAndQuery;
    return t.startsWith("/") ? t : "/" + t;
  }

  @Override
  public String toString() {
    return base.toString();
  }
}
