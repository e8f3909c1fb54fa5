package dev.headroom.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.headroom.config.GatewaySettings;
import dev.headroom.core.Tasks;
import dev.headroom.cost.UsageSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local routing gateway on Headroom's {@link LoopbackServer}. Each request goes to the route with the longest
 * matching path prefix; the prefix is stripped and the rest of the path (with the query) is appended to the chosen
 * target's base URL: with route {@code /work/} and local URL {@code http://127.0.0.1:8080}, {@code /work/v1/run?x=1}
 * goes to {@code http://127.0.0.1:8080/v1/run?x=1}, or to {@code <cloud target>/v1/run?x=1} in the cloud. Bodies
 * stream both ways; routes of kind OPENAI or ANTHROPIC are metered into the {@link UsageSink}. With
 * {@code gateway.enabled} false the server still runs (usage intake, cost stream, control endpoints) and routes
 * nothing.
 *
 * <pre>{@code
 * Gateway gw = new Gateway(settings.gateway(), vmBackend, () -> pressure.atLeast(HIGH), costEngine, clock, tasks);
 * gw.mount("/usage", cost.usageHandler());
 * gw.start();   // http://127.0.0.1:8010
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewaySettings settings;
  private final RoutingTable table;
  private final CloudHealth cloud;
  private final BooleanSupplier pressured;
  private final Clock clock;
  private final Tasks tasks;
  private final Proxy proxy;
  private final LoopbackServer server;
  private final AtomicLong cloudInFlight = new AtomicLong();
  private volatile Instant lastCloudTraffic;
  private Tasks.Handle healthCheck;

  public Gateway(GatewaySettings settings, Supplier<Optional<URI>> cloudTarget, BooleanSupplier pressured,
      UsageSink usage, Clock clock, Tasks tasks) {
    this.settings = settings;
    this.pressured = pressured;
    this.clock = clock;
    this.tasks = tasks;
    this.table = new RoutingTable(settings.enabled() ? settings.routes() : List.of());
    this.cloud = new CloudHealth(cloudTarget, settings.cloudHealthPath(), tasks);
    this.proxy = new Proxy(settings, usage, clock);
    this.server = new LoopbackServer(settings.port());
    AdminEndpoints admin = new AdminEndpoints(this);
    server.mount("/health", admin.health());
    server.mount("/routes", admin.routes());
    server.fallback(this::route);
  }

  /** The server the gateway runs on, for mounting more endpoints (before {@link #start()}). */
  public LoopbackServer server() {
    return server;
  }

  /** Adds one of Headroom's own endpoints at exactly {@code path} (before {@link #start()}). */
  public void mount(String path, HttpHandler handler) {
    server.mount(path, handler);
  }

  /** Adds a long-lived (server-sent events) endpoint at exactly {@code path}, capped in clients. */
  public void mountStream(String path, HttpHandler handler) {
    server.mountStream(path, handler);
  }

  /** Binds 127.0.0.1 on the configured port and starts serving and health-checking. */
  public synchronized void start() {
    server.start();
    if (settings.enabled() && healthCheck == null) {
      healthCheck = tasks.every(Duration.ofSeconds(settings.healthCheckSeconds()), cloud::check);
    }
  }

  /** The bound port (the actual one when configured as 0). */
  public int port() {
    return server.port();
  }

  public URI address() {
    return server.address();
  }

  /** Whether requests are routed (gateway.enabled). */
  public boolean routingEnabled() {
    return settings.enabled();
  }

  @Override
  public synchronized void close() {
    if (healthCheck != null) {
      healthCheck.cancel();
      healthCheck = null;
    }
    server.close();
  }

  /** Counters of every route, longest prefix first. */
  public List<RouteStats> stats() {
    boolean up = healthyCloud().isPresent();
    boolean hot = pressured.getAsBoolean();
    return table.routes().stream().map(r -> r.stats(RoutingTable.choose(r.policy, up, hot))).toList();
  }

  /** When a request was last sent to the cloud VM (for the idle reaper). */
  public Optional<Instant> lastCloudTraffic() {
    return Optional.ofNullable(lastCloudTraffic);
  }

  /** Requests to the cloud VM still being served. */
  public long cloudInFlight() {
    return cloudInFlight.get();
  }

  /** The cloud target when there is one that passed (or has not yet been checked by) its health check. */
  public Optional<URI> healthyCloud() {
    return cloud.healthy();
  }

  Optional<URI> cloudTarget() {
    return cloud.target();
  }

  void checkCloud() {
    cloud.check();
  }

  private void route(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      Optional<Route> match = table.match(path);
      if (match.isEmpty()) {
        HttpJson.error(ex, 404, settings.enabled() ? "No route for " + LoopbackGuard.printable(path)
            : "Routing is off (gateway.enabled is false)", Map.of("routes", String.join(", ", table.prefixes())));
        return;
      }
      Route route = match.get();
      route.requests.incrementAndGet();
      route.last = clock.instant();
      byte[] body = proxy.readBody(ex, route);
      if (body != null) {
        forward(ex, route, path, body);
      }
    }
  }

  private void forward(HttpExchange ex, Route route, String path, byte[] body) throws IOException {
    // Read the cloud target once: the health check may change it while this request is routed.
    Optional<URI> cloudNow = healthyCloud();
    Target target = RoutingTable.choose(route.policy, cloudNow.isPresent(), pressured.getAsBoolean());
    if (target == Target.NONE) {
      route.errors.incrementAndGet();
      HttpJson.error(ex, 503, "Route '" + route.name() + "' is CLOUD_ONLY and no Spot VM is running",
          Map.of("route", route.name()));
      return;
    }
    if (route.metered && !route.anthropic) {
      body = UsageParsers.withStreamUsage(body).orElse(body);
    }
    String rest = route.rest(path);
    URI base = target == Target.CLOUD ? cloudNow.get() : route.local;
    HttpResponse<InputStream> resp;
    try {
      resp = proxy.send(ex, route, base, rest, body);
    } catch (Proxy.NotConnected e) {
      if (target == Target.CLOUD) {
        cloud.markDown(base);
      }
      if (target != Target.CLOUD || route.policy == Policy.CLOUD_ONLY) {
        proxy.failed(ex, route, base, e);
        return;
      }
      // The VM went away: nothing was sent, so serve this request locally.
      LOG.warn("Cloud backend {} unreachable; route '{}' falls back to local", base, route.name());
      target = Target.LOCAL;
      base = route.local;
      try {
        resp = proxy.send(ex, route, base, rest, body);
      } catch (IOException e2) {
        proxy.failed(ex, route, base, e2);
        return;
      } catch (InterruptedException e2) {
        Thread.currentThread().interrupt();
        return;
      }
    } catch (IOException e) {
      proxy.failed(ex, route, base, e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    boolean toCloud = target == Target.CLOUD;
    (toCloud ? route.toCloud : route.toLocal).incrementAndGet();
    if (toCloud) {
      cloudInFlight.incrementAndGet();
      lastCloudTraffic = clock.instant();
    }
    try {
      proxy.relay(ex, route, resp, body);
    } finally {
      if (toCloud) {
        lastCloudTraffic = clock.instant();
        cloudInFlight.decrementAndGet();
      }
    }
  }
}
