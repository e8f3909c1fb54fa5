package dev.headroom.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import dev.headroom.cost.UsageSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local routing gateway on 127.0.0.1. Each request goes to the route with the longest matching path prefix;
 * the prefix is stripped and the rest of the path (with the query) is appended to the chosen target's base URL:
 * with route {@code /work/} and local URL {@code http://127.0.0.1:8080}, {@code /work/v1/run?x=1} goes to
 * {@code http://127.0.0.1:8080/v1/run?x=1}, or to {@code http://<vm-ip>:<backendPort>/v1/run?x=1} in the cloud.
 * Bodies stream both ways (server-sent events pass through as they arrive). Routes of kind OPENAI or ANTHROPIC are
 * metered: token usage is read from a copy of the response as it passes and given to the {@link UsageSink}.
 *
 * <pre>{@code
 * Gateway gw = new Gateway(settings.gateway(), vmBackend, () -> pressure.atLeast(HIGH), costEngine, clock, tasks);
 * gw.mount("/usage", cost.usageHandler());
 * gw.start();   // http://127.0.0.1:8010
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  // Hop-by-hop headers, and those java.net.http sets itself.
  private static final Set<String> SKIP_REQUEST = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "expect", "http2-settings");
  private static final Set<String> SKIP_RESPONSE = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length", ":status");
  private static final int THREADS = 64;

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY the second write waits for the
    // client's delayed ACK: 40 ms a request (measured). Read once when the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final GatewaySettings settings;
  private final List<Route> routes;
  private final Supplier<Optional<URI>> cloudTarget;
  private final BooleanSupplier pressured;
  private final UsageSink usage;
  private final Clock clock;
  private final Tasks tasks;
  private final HttpClient client;
  private final Map<String, HttpHandler> mounts = new java.util.LinkedHashMap<>();
  private final AtomicLong cloudInFlight = new AtomicLong();
  private volatile Instant lastCloudTraffic;
  private volatile URI checkedTarget;
  private volatile boolean cloudHealthy;
  private HttpServer server;
  private ExecutorService executor;
  private Tasks.Handle healthCheck;

  /** A rule with its live counters. */
  private static final class Route {
    final RouteRule rule;
    final Policy policy;
    final URI local;
    final boolean metered;
    final boolean anthropic;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong toLocal = new AtomicLong();
    final AtomicLong toCloud = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    volatile Instant last;

    Route(RouteRule rule) {
      this.rule = rule;
      this.policy = Policy.valueOf(rule.policy());
      this.local = URI.create(stripSlash(rule.localUrl()));
      String kind = rule.kind() == null ? "GENERIC" : rule.kind();
      this.metered = kind.equals("OPENAI") || kind.equals("ANTHROPIC");
      this.anthropic = kind.equals("ANTHROPIC");
    }
  }

  public Gateway(GatewaySettings settings, Supplier<Optional<URI>> cloudTarget, BooleanSupplier pressured,
      UsageSink usage, Clock clock, Tasks tasks) {
    this.settings = settings;
    this.cloudTarget = cloudTarget;
    this.pressured = pressured;
    this.usage = usage;
    this.clock = clock;
    this.tasks = tasks;
    this.routes = settings.routes().stream().map(Route::new)
        .sorted(Comparator.comparingInt((Route r) -> r.rule.pathPrefix().length()).reversed()).toList();
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Adds an endpoint served by the gateway's server (before {@link #start()}). */
  public synchronized void mount(String path, HttpHandler handler) {
    if (server != null) {
      throw new IllegalStateException("mount before start");
    }
    mounts.put(path, handler);
  }

  /** Binds 127.0.0.1 on the configured port and starts serving and health-checking. */
  public synchronized void start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 128);
    } catch (IOException e) {
      throw new AppException("The gateway cannot listen on 127.0.0.1:" + settings.port() + " (" + e.getMessage()
          + "); set gateway.port to a free port, or 0 for any.", e);
    }
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "gateway-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.createContext("/health", this::health);
    server.createContext("/routes", this::routesJson);
    mounts.forEach(server::createContext);
    server.start();
    healthCheck = tasks.every(Duration.ofSeconds(settings.healthCheckSeconds()), this::checkCloud);
    LOG.info("Gateway listening on {}", address());
  }

  /** The bound port (the actual one when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  public URI address() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  public synchronized void close() {
    if (healthCheck != null) {
      healthCheck.cancel();
    }
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  /** Counters of every route, in configuration order of prefix length. */
  public List<RouteStats> stats() {
    List<RouteStats> out = new ArrayList<>();
    boolean cloud = healthyCloud().isPresent();
    for (Route r : routes) {
      String target = switch (choose(r, cloud)) {
        case 1 -> "cloud";
        case 0 -> "local";
        default -> "none";
      };
      out.add(new RouteStats(r.rule.name(), r.rule.pathPrefix(), r.policy,
          r.rule.kind() == null ? "GENERIC" : r.rule.kind(), r.rule.localUrl(), target, r.requests.get(),
          r.errors.get(), r.toLocal.get(), r.toCloud.get(), r.bytesOut.get(), Optional.ofNullable(r.last)));
    }
    return out;
  }

  /** When a request was last sent to the cloud VM (for the idle reaper). */
  public Optional<Instant> lastCloudTraffic() {
    return Optional.ofNullable(lastCloudTraffic);
  }

  /** Requests to the cloud VM still being served. */
  public long cloudInFlight() {
    return cloudInFlight.get();
  }

  /** The cloud target when there is one that passed (or has not yet failed) its health check. */
  public Optional<URI> healthyCloud() {
    Optional<URI> target = cloudTarget.get();
    if (target.isEmpty()) {
      return Optional.empty();
    }
    if (!target.get().equals(checkedTarget)) {
      // A new VM: try it optimistically (a failed connect falls back) and check it now.
      tasks.run(this::checkCloud);
      return target;
    }
    return cloudHealthy ? target : Optional.empty();
  }

  // 1 = cloud, 0 = local, -1 = nowhere (CLOUD_ONLY without a VM)
  private int choose(Route r, boolean cloud) {
    return switch (r.policy) {
      case LOCAL_ONLY -> 0;
      case CLOUD_PREFERRED -> cloud ? 1 : 0;
      case CLOUD_ONLY -> cloud ? 1 : -1;
      case CLOUD_WHEN_PRESSURED -> cloud && pressured.getAsBoolean() ? 1 : 0;
    };
  }

  void checkCloud() {
    Optional<URI> target = cloudTarget.get();
    if (target.isEmpty()) {
      checkedTarget = null;
      cloudHealthy = false;
      return;
    }
    URI t = target.get();
    boolean ok;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(t.getHost(), t.getPort() < 0 ? 80 : t.getPort()), 1000);
      ok = true;
    } catch (IOException e) {
      ok = false;
    }
    if (ok != cloudHealthy || !t.equals(checkedTarget)) {
      LOG.info("Cloud backend {} is {}", t, ok ? "healthy" : "unreachable");
    }
    cloudHealthy = ok;
    checkedTarget = t;
  }

  private void markCloudDown(URI target) {
    checkedTarget = target;
    cloudHealthy = false;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      Route route = match(path);
      if (route == null) {
        List<String> prefixes = routes.stream().map(r -> r.rule.pathPrefix()).toList();
        sendError(ex, 404, "No route for " + path, Map.of("routes", String.join(", ", prefixes)));
        return;
      }
      route.requests.incrementAndGet();
      route.last = clock.instant();
      byte[] body = readBody(ex, route);
      if (body == null) {
        return;
      }
      forward(ex, route, path, body);
    }
  }

  private Route match(String path) {
    for (Route r : routes) {
      if (path.startsWith(r.rule.pathPrefix())
          || (r.rule.pathPrefix().endsWith("/") && path.equals(stripSlash(r.rule.pathPrefix())))) {
        return r;
      }
    }
    return null;
  }

  private byte[] readBody(HttpExchange ex, Route route) throws IOException {
    long max = settings.maxRequestBytes();
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > max) {
          route.errors.incrementAndGet();
          sendError(ex, 413, "Request body larger than gateway.maxRequestBytes (" + max + " bytes)", Map.of());
          return null;
        }
      } catch (NumberFormatException e) {
        sendError(ex, 400, "Bad Content-Length", Map.of());
        return null;
      }
    }
    InputStream in = ex.getRequestBody();
    byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (body.length > max) {
      route.errors.incrementAndGet();
      sendError(ex, 413, "Request body larger than gateway.maxRequestBytes (" + max + " bytes)", Map.of());
      return null;
    }
    return body;
  }

  private void forward(HttpExchange ex, Route route, String path, byte[] body) throws IOException {
    // Read the cloud target once: the health check may change it while this request is routed.
    Optional<URI> cloudNow = healthyCloud();
    int choice = choose(route, cloudNow.isPresent());
    if (choice < 0) {
      route.errors.incrementAndGet();
      sendError(ex, 503, "Route '" + route.rule.name() + "' is CLOUD_ONLY and no Spot VM is running",
          Map.of("route", route.rule.name()));
      return;
    }
    if (route.metered && !route.anthropic) {
      body = UsageParsers.withStreamUsage(body).orElse(body);
    }
    String rest = path.substring(Math.min(path.length(), stripSlash(route.rule.pathPrefix()).length()));
    String query = ex.getRequestURI().getRawQuery();
    boolean cloud = choice == 1;
    URI base = cloud ? cloudNow.get() : route.local;
    HttpResponse<InputStream> resp;
    try {
      resp = send(ex, route, base, rest, query, body, cloud);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      if (cloud && route.policy != Policy.CLOUD_ONLY) {
        // The VM went away: nothing was sent, so serve this request locally.
        LOG.warn("Cloud backend {} unreachable; route '{}' falls back to local", base, route.rule.name());
        markCloudDown(base);
        cloud = false;
        base = route.local;
        try {
          resp = send(ex, route, base, rest, query, body, false);
        } catch (IOException e2) {
          upstreamFailed(ex, route, base, e2);
          return;
        } catch (InterruptedException e2) {
          Thread.currentThread().interrupt();
          return;
        }
      } else {
        if (cloud) {
          markCloudDown(base);
        }
        upstreamFailed(ex, route, base, e);
        return;
      }
    } catch (IOException e) {
      upstreamFailed(ex, route, base, e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    (cloud ? route.toCloud : route.toLocal).incrementAndGet();
    if (cloud) {
      cloudInFlight.incrementAndGet();
      lastCloudTraffic = clock.instant();
    }
    try {
      relay(ex, route, resp, body);
    } finally {
      if (cloud) {
        lastCloudTraffic = clock.instant();
        cloudInFlight.decrementAndGet();
      }
    }
  }

  private HttpResponse<InputStream> send(HttpExchange ex, Route route, URI base, String rest, String query,
      byte[] body, boolean cloud) throws IOException, InterruptedException {
    URI uri = URI.create(stripSlash(base.toString()) + rest + (query == null ? "" : "?" + query));
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
    b.header("X-Headroom-Route", route.rule.name());
    return client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private void relay(HttpExchange ex, Route route, HttpResponse<InputStream> resp, byte[] requestBody)
      throws IOException {
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
          meter.accept(buf, n);
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
        meter.result().ifPresent(t -> usage.record(new dev.headroom.cost.LlmUsage(clock.instant(),
            route.anthropic ? "anthropic" : "openai", t.model(), t.input(), t.cached(), t.output(), t.reasoning(),
            route.rule.name())));
      }
      if (heldLength > 0) {
        out.write(held, 0, heldLength);
      }
    } catch (IOException e) {
      route.errors.incrementAndGet();
      LOG.debug("Relay on route '{}' ended early: {}", route.rule.name(), e.toString());
    }
  }

  private void upstreamFailed(HttpExchange ex, Route route, URI target, Exception e) throws IOException {
    route.errors.incrementAndGet();
    if (e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
      sendError(ex, 504, "Upstream " + target + " did not answer within " + settings.upstreamTimeoutSeconds()
          + " s", Map.of("route", route.rule.name(), "target", target.toString()));
    } else {
      sendError(ex, 502, "Upstream " + target + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()),
          Map.of("route", route.rule.name(), "target", target.toString()));
    }
  }

  private void health(HttpExchange ex) throws IOException {
    try (ex) {
      ObjectNode o = JSON.createObjectNode();
      o.put("status", "ok");
      o.put("address", address().toString());
      o.put("cloudTarget", cloudTarget.get().map(URI::toString).orElse(null));
      o.put("cloudHealthy", healthyCloud().isPresent());
      sendJson(ex, 200, o);
    }
  }

  private void routesJson(HttpExchange ex) throws IOException {
    try (ex) {
      ArrayNode arr = JSON.createArrayNode();
      for (RouteStats s : stats()) {
        ObjectNode o = arr.addObject();
        o.put("name", s.name());
        o.put("pathPrefix", s.pathPrefix());
        o.put("policy", s.policy().name());
        o.put("kind", s.kind());
        o.put("target", s.target());
        o.put("requests", s.requests());
        o.put("errors", s.errors());
        o.put("local", s.local());
        o.put("cloud", s.cloud());
        o.put("bytesOut", s.bytesOut());
        o.put("lastRequest", s.lastRequest().map(Instant::toString).orElse(null));
      }
      sendJson(ex, 200, arr);
    }
  }

  private static void sendError(HttpExchange ex, int status, String message, Map<String, String> extra)
      throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("error", message);
    o.put("status", status);
    extra.forEach(o::put);
    sendJson(ex, status, o);
  }

  private static void sendJson(HttpExchange ex, int status, com.fasterxml.jackson.databind.JsonNode body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** Reads token usage from a copy of a response as it streams past. */
  static final class UsageMeter {
    private static final int MAX_JSON = 8 * 1024 * 1024;
    private final boolean anthropic;
    private final boolean sse;
    private final String requestModel;
    private final java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private UsageParsers.Tokens acc;

    UsageMeter(boolean anthropic, boolean sse, String requestModel) {
      this.anthropic = anthropic;
      this.sse = sse;
      this.requestModel = requestModel;
    }

    void accept(byte[] buf, int n) {
      if (!sse) {
        if (whole.size() + n <= MAX_JSON) {
          whole.write(buf, 0, n);
        }
        return;
      }
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n') {
          String l = line.toString(StandardCharsets.UTF_8).strip();
          line.reset();
          if (l.startsWith("data:")) {
            acc = UsageParsers.sseData(anthropic, l.substring(5).strip(), acc);
          }
        } else {
          line.write(b);
        }
      }
    }

    Optional<UsageParsers.Tokens> result() {
      Optional<UsageParsers.Tokens> t;
      if (sse) {
        t = Optional.ofNullable(acc).filter(x -> x.input() + x.output() + x.reasoning() > 0);
      } else {
        String body = whole.toString(StandardCharsets.UTF_8);
        t = anthropic ? UsageParsers.anthropicJson(body) : UsageParsers.openAiJson(body);
      }
      return t.map(x -> x.model().isEmpty()
          ? new UsageParsers.Tokens(requestModel.isEmpty() ? "unknown" : requestModel, x.input(), x.cached(),
              x.output(), x.reasoning())
          : x);
    }
  }
}
