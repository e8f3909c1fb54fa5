package dev.headroom.gateway;

import com.sun.net.httpserver.HttpExchange;
import dev.headroom.config.GatewaySettings;
import dev.headroom.cost.LlmUsage;
import dev.headroom.cost.UsageSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one request to the chosen backend and relays the answer: bodies stream both ways (server-sent events are
 * flushed as they arrive); metered routes (OPENAI, ANTHROPIC) read token usage from a copy of the response.
 */
final class Proxy {
  private static final Logger LOG = LoggerFactory.getLogger(Proxy.class);
  // Hop-by-hop headers, and those java.net.http sets itself.
  private static final Set<String> SKIP_REQUEST = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "expect", "http2-settings");
  private static final Set<String> SKIP_RESPONSE = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length", ":status");

  private final GatewaySettings settings;
  private final UsageSink usage;
  private final Clock clock;
  private final HttpClient client;

  Proxy(GatewaySettings settings, UsageSink usage, Clock clock) {
    this.settings = settings;
    this.usage = usage;
    this.clock = clock;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Thrown when nothing was sent because the backend refused or did not accept the connection. */
  static final class NotConnected extends IOException {
    NotConnected(IOException cause) {
      super(cause);
    }
  }

  /** Reads the body, or answers 413 and returns null when it is larger than gateway.maxRequestBytes. */
  byte[] readBody(HttpExchange ex, Route route) throws IOException {
    long max = settings.maxRequestBytes();
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > max) {
          tooLarge(ex, route, max);
          return null;
        }
      } catch (NumberFormatException e) {
        HttpJson.error(ex, 400, "Bad Content-Length", Map.of());
        return null;
      }
    }
    InputStream in = ex.getRequestBody();
    byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (body.length > max) {
      tooLarge(ex, route, max);
      return null;
    }
    return body;
  }

  private static void tooLarge(HttpExchange ex, Route route, long max) throws IOException {
    route.errors.incrementAndGet();
    HttpJson.error(ex, 413, "Request body larger than gateway.maxRequestBytes (" + max + " bytes)", Map.of());
  }

  /** Sends the request to {@code base}; the caller relays the response. */
  HttpResponse<InputStream> send(HttpExchange ex, Route route, URI base, String rest, byte[] body)
      throws IOException, InterruptedException {
    String query = ex.getRequestURI().getRawQuery();
    URI uri = URI.create(Route.stripSlash(base.toString()) + rest + (query == null ? "" : "?" + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(settings.upstreamTimeoutSeconds()))
        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!SKIP_REQUEST.contains(lower) && !(route.metered && lower.equals("accept-encoding"))) {
        values.forEach(v -> b.header(name, v));
      }
    });
    if (route.metered) {
      b.header("Accept-Encoding", "identity"); // metering reads the body: no compression
    }
    b.header("X-Forwarded-For", ex.getRemoteAddress().getAddress().getHostAddress());
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host != null) {
      b.header("X-Forwarded-Host", host);
    }
    b.header("X-Headroom-Route", route.name());
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new NotConnected(e);
    }
  }

  /** Copies the backend's answer to the client, metering it on metered routes. */
  void relay(HttpExchange ex, Route route, HttpResponse<InputStream> resp, byte[] requestBody) throws IOException {
    resp.headers().map().forEach((name, values) -> {
      if (!SKIP_RESPONSE.contains(name.toLowerCase(Locale.ROOT))) {
        ex.getResponseHeaders().put(name, values);
      }
    });
    long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
    boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
    boolean noBody = head || resp.statusCode() == 204 || resp.statusCode() == 304;
    String type = resp.headers().firstValue("Content-Type").orElse("");
    boolean sse = type.startsWith("text/event-stream");
    UsageMeter meter = route.metered && resp.statusCode() < 400
        ? new UsageMeter(route.anthropic, sse, UsageParsers.requestModel(requestBody)) : null;
    ex.sendResponseHeaders(resp.statusCode(), noBody ? -1 : (length > 0 && !sse ? length : (length == 0 ? -1 : 0)));
    try (InputStream in = resp.body(); OutputStream out = ex.getResponseBody()) {
      if (noBody) {
        return;
      }
      // Usage must be recorded before the client can see the end of the response: a streamed (chunked) response
      // ends when the stream closes, after this block; a fixed-length one ends with its last byte, so for a metered
      // fixed-length response the last buffer is held back until the upstream's end is seen.
      boolean holdLast = meter != null && !sse;
      byte[] buf = new byte[16 * 1024];
      byte[] held = holdLast ? new byte[buf.length] : null;
      int heldLength = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        route.bytesOut.addAndGet(n);
        if (meter != null) {
          meter.accept(buf, 0, n);
        }
        if (holdLast) {
          if (heldLength > 0) {
            out.write(held, 0, heldLength);
          }
          System.arraycopy(buf, 0, held, 0, n);
          heldLength = n;
          continue;
        }
        out.write(buf, 0, n);
        if (sse) {
          out.flush(); // events reach the client as they arrive
        }
      }
      if (meter != null) {
        record(route, meter);
      }
      if (heldLength > 0) {
        out.write(held, 0, heldLength);
      }
    } catch (IOException e) {
      route.errors.incrementAndGet();
      LOG.debug("Relay on route '{}' ended early: {}", route.name(), e.toString());
    }
  }

  void record(Route route, UsageMeter meter) {
    meter.result().ifPresent(t -> usage.record(new LlmUsage(clock.instant(),
        route.anthropic ? "anthropic" : "openai", t.model(), t.input(), t.cached(), t.output(), t.reasoning(),
        route.name())));
  }

  /** 504 when the backend did not answer in time, else 502; both name the route and the target. */
  void failed(HttpExchange ex, Route route, URI target, Exception e) throws IOException {
    route.errors.incrementAndGet();
    Throwable cause = e instanceof NotConnected && e.getCause() != null ? e.getCause() : e;
    Map<String, String> at = Map.of("route", route.name(), "target", target.toString());
    if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
      HttpJson.error(ex, 504, "Upstream " + target + " did not answer within " + settings.upstreamTimeoutSeconds()
          + " s", at);
    } else {
      HttpJson.error(ex, 502, "Upstream " + target + " failed: " + cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : " " + cause.getMessage()), at);
    }
  }
}
