package dev.headroom.gateway;

import dev.headroom.config.GatewaySettings;
import dev.headroom.core.LogSafe;
import dev.headroom.cost.UsageSink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one request to the chosen backend over a pooled keep-alive connection and relays the answer as it
 * arrives, without blocking a thread: response bytes are passed on as they are read (server-sent events reach the
 * client event by event), and reading the backend pauses while the client is not keeping up. Metered routes (OPENAI,
 * ANTHROPIC) read token usage from a copy of the response; usage is recorded (off the event loop) before the client
 * sees the end of the response.
 */
final class Proxy {
  private static final Logger LOG = LoggerFactory.getLogger(Proxy.class);
  // Hop-by-hop headers, and those the proxy sets itself (header names match case-insensitively).
  private static final AsciiString[] HOP_BY_HOP_REQUEST = ascii("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "expect", "http2-settings");
  static final AsciiString[] HOP_BY_HOP_RESPONSE = ascii("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length");
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
  private static final AsciiString X_HEADROOM_ROUTE = AsciiString.cached("X-Headroom-Route");
  private static final Map<InetAddress, String> CLIENT_ADDRESSES = new ConcurrentHashMap<>();

  private final GatewaySettings settings;
  private final UsageSink usage;
  private final Clock clock;
  private final UpstreamPool pool;
  private final Executor offLoop;

  /** What the gateway hears about one forwarding attempt; all calls on the client's event loop. */
  interface Outcome {
    /** Nothing was sent: the backend refused or did not accept the connection. */
    void notConnected(Throwable cause);

    /** The backend's response headers arrived and are being relayed. */
    void started();

    /** The exchange is over (answered, failed or abandoned). */
    void ended();
  }

  /** One client request, ready to be sent to any backend (the body is held until {@link #release()}). */
  static final class Request {
    final Channel client;
    final Route route;
    final HttpMethod method;
    final String pathAndQuery;
    final HttpHeaders headers;
    final ByteBuf body;

    /** Takes over {@code req}'s headers (not copied: the request is released after this, its headers are not). */
    Request(Channel client, Route route, FullHttpRequest req, String pathAndQuery, ByteBuf body) {
      this.client = client;
      this.route = route;
      this.method = req.method();
      this.pathAndQuery = pathAndQuery;
      this.body = body;
      this.headers = req.headers();
      String host = headers.get(HttpHeaderNames.HOST);
      for (AsciiString name : HOP_BY_HOP_REQUEST) {
        headers.remove(name);
      }
      if (route.metered) {
        headers.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY); // metering reads the body as is
      }
      if (client.remoteAddress() instanceof InetSocketAddress a) {
        headers.set(X_FORWARDED_FOR, address(a.getAddress()));
      }
      if (host != null) {
        headers.set(X_FORWARDED_HOST, host);
      }
      headers.set(X_HEADROOM_ROUTE, route.name());
      if (body.isReadable() || method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT)
          || method.equals(HttpMethod.PATCH)) {
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      }
    }

    /** The client's address as text, formatted once (clients are local: a handful of addresses). */
    private static String address(InetAddress a) {
      String text = CLIENT_ADDRESSES.get(a);
      if (text == null) {
        text = a.getHostAddress();
        if (CLIENT_ADDRESSES.size() < 64) {
          CLIENT_ADDRESSES.put(a, text);
        }
      }
      return text;
    }

    void release() {
      ReferenceCountUtil.safeRelease(body);
    }
  }

  Proxy(GatewaySettings settings, UsageSink usage, Clock clock, UpstreamPool pool, Executor offLoop) {
    this.settings = settings;
    this.usage = usage;
    this.clock = clock;
    this.pool = pool;
    this.offLoop = offLoop;
  }

  /** Sends {@code req} to {@code base} and relays the answer; must be called on the client's event loop. */
  void forward(Request req, URI base, Outcome outcome) {
    new ProxyExchange(this, pool, req, pool.backend(base), outcome).start();
  }

  private static AsciiString[] ascii(String... names) {
    AsciiString[] out = new AsciiString[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = AsciiString.cached(names[i]);
    }
    return out;
  }

  int upstreamTimeoutSeconds() {
    return settings.upstreamTimeoutSeconds();
  }

  Executor offLoop() {
    return offLoop;
  }

  /** Gives a metered response's usage to the sink (off the event loop: the sink may write to disk). */
  void record(Route route, UsageMeter m) {
    try {
      m.result().ifPresent(t -> usage.record(t.toUsage(clock.instant(),
          route.anthropic ? "anthropic" : "openai", route.name())));
    } catch (RuntimeException e) {
      // Out-of-bounds usage from an upstream (UsageRejected) or a store failure: the reply still goes out, and the
      // lost metering is said once here rather than in an executor's uncaught-exception trace.
      LOG.warn("Usage of a response on route {} was not recorded: {}", route.name(), LogSafe.clean(e));
    }
  }

  /** 504 when the backend did not answer in time, else 502; both name the route and the target. */
  void failed(Request req, Backend target, Throwable e) {
    failed(req, target.base, e);
  }

  void failed(Request req, URI target, Throwable e) {
    req.route.errors.incrementAndGet();
    Map<String, String> at = Map.of("route", req.route.name(), "target", target.toString());
    if (e instanceof UpstreamTimeout) {
      LoopbackServer.respond(req.client, 504, "Upstream " + target + " did not answer within "
          + settings.upstreamTimeoutSeconds() + " s", at);
    } else {
      LoopbackServer.respond(req.client, 502, "Upstream " + target + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), at);
    }
  }

  static boolean notConnected(Throwable e) {
    return e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof io.netty.channel.ConnectTimeoutException;
  }

  /** The backend sent no response headers within gateway.upstreamTimeoutSeconds. */
  static final class UpstreamTimeout extends Exception {
    UpstreamTimeout() {
      super(null, null, false, false);
    }
  }

  /** The backend closed the connection before answering. */
  static final class UpstreamClosed extends Exception {
    UpstreamClosed() {
      super("the connection closed before a response", null, false, false);
    }
  }
}
