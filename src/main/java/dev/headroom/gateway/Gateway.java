package dev.headroom.gateway;

import com.sun.net.httpserver.HttpHandler;
import dev.headroom.config.GatewaySettings;
import dev.headroom.core.Tasks;
import dev.headroom.cost.UsageSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.TrustManagerFactory;
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
public final class Gateway implements AutoCloseable, LoopbackServer.Fallback {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewaySettings settings;
  private final RoutingTable table;
  private final CloudHealth cloud;
  private final BooleanSupplier pressured;
  private final Clock clock;
  private final Tasks tasks;
  private final UpstreamPool pool;
  private final Proxy proxy;
  private final LoopbackServer server;
  private final AtomicLong cloudInFlight = new AtomicLong();
  private volatile Instant lastCloudTraffic;
  private Tasks.Handle healthCheck;

  public Gateway(GatewaySettings settings, Supplier<Optional<URI>> cloudTarget, BooleanSupplier pressured,
      UsageSink usage, Clock clock, Tasks tasks) {
    this(settings, cloudTarget, pressured, usage, clock, tasks, Optional.empty());
  }

  /** As above, with the trust for https backends (tests: a test CA instead of the JDK's trust store). */
  Gateway(GatewaySettings settings, Supplier<Optional<URI>> cloudTarget, BooleanSupplier pressured,
      UsageSink usage, Clock clock, Tasks tasks, Optional<TrustManagerFactory> backendTrust) {
    this.settings = settings;
    this.pressured = pressured;
    this.clock = clock;
    this.tasks = tasks;
    this.table = new RoutingTable(settings.enabled() ? settings.routes() : List.of());
    this.cloud = new CloudHealth(cloudTarget, settings.cloudHealthPath(), tasks);
    this.server = new LoopbackServer(settings.port());
    this.pool = new UpstreamPool(r -> server.endpointPool().execute(r), backendTrust, server::transport);
    this.proxy = new Proxy(settings, usage, clock, pool, r -> server.endpointPool().execute(r));
    AdminEndpoints admin = new AdminEndpoints(this);
    server.mount("/health", admin.health());
    server.mount("/routes", admin.routes());
    server.fallback(this);
  }

  /** The server the gateway runs on, for mounting more endpoints (before {@link #start()}). */
  public LoopbackServer server() {
    return server;
  }

  private final Map<String, Supplier<Optional<String>>> healthChecks = new java.util.concurrent.ConcurrentHashMap<>();

  /** Adds a component to {@code GET /health}: a present problem makes it answer 503 "degraded" naming it. */
  public void healthCheck(String component, Supplier<Optional<String>> problem) {
    healthChecks.put(component, problem);
  }

  /** The current problem of each failing component (empty when all are well). */
  Map<String, String> healthProblems() {
    Map<String, String> out = new java.util.TreeMap<>();
    healthChecks.forEach((name, check) -> check.get().ifPresent(p -> out.put(name, p)));
    return out;
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
    server.close(); // stopping the event loops closes the pooled backend connections too
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

  @Override
  public long maxBody() {
    return settings.maxRequestBytes();
  }

  @Override
  public String tooLarge(String path) {
    table.match(path).ifPresent(r -> r.errors.incrementAndGet());
    return "Request body larger than gateway.maxRequestBytes (" + settings.maxRequestBytes() + " bytes)";
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    String path = LoopbackServer.path(req.uri());
    Optional<Route> match = table.match(path);
    if (match.isEmpty()) {
      LoopbackServer.respond(ctx, 404, settings.enabled() ? "No route for " + LoopbackGuard.printable(path)
          : "Routing is off (gateway.enabled is false)", Map.of("routes", String.join(", ", table.prefixes())));
      return;
    }
    Route route = match.get();
    route.requests.incrementAndGet();
    route.lastMillis = clock.millis();
    // Read the cloud target once: the health check may change it while this request is routed. LOCAL_ONLY routes
    // (the hot path) need neither it nor the memory pressure.
    Optional<URI> cloudNow = route.policy == Policy.LOCAL_ONLY ? Optional.empty() : healthyCloud();
    Target target = RoutingTable.choose(route.policy, cloudNow.isPresent(),
        route.policy == Policy.CLOUD_WHEN_PRESSURED && pressured.getAsBoolean());
    if (target == Target.NONE) {
      route.errors.incrementAndGet();
      LoopbackServer.respond(ctx, 503, "Route '" + route.name() + "' is CLOUD_ONLY and no Spot VM is running",
          Map.of("route", route.name()));
      return;
    }
    ByteBuf body = req.content().retain();
    if (route.metered && !route.anthropic) {
      Optional<byte[]> withUsage = UsageParsers.withStreamUsage(ByteBufUtil.getBytes(body));
      if (withUsage.isPresent()) {
        body.release();
        body = Unpooled.wrappedBuffer(withUsage.get());
      }
    }
    int q = req.uri().indexOf('?');
    String rest = route.rest(path);
    String pathAndQuery = q < 0 ? rest : rest + req.uri().substring(q);
    Proxy.Request forward = new Proxy.Request(ctx.channel(), route, req, pathAndQuery, body);
    send(forward, target, target == Target.CLOUD ? cloudNow.get() : route.local);
  }

  private void send(Proxy.Request req, Target target, URI base) {
    Route route = req.route;
    boolean toCloud = target == Target.CLOUD;
    proxy.forward(req, base, new Proxy.Outcome() {
      private boolean started;

      @Override
      public void notConnected(Throwable cause) {
        if (toCloud) {
          cloud.markDown(base);
        }
        if (toCloud && route.policy != Policy.CLOUD_ONLY) {
          // The VM went away: nothing was sent, so serve this request locally.
          LOG.warn("Cloud backend {} unreachable; route '{}' falls back to local", base, route.name());
          send(req, Target.LOCAL, route.local);
          return;
        }
        proxy.failed(req, base, cause);
        req.release();
      }

      @Override
      public void started() {
        started = true;
        (toCloud ? route.toCloud : route.toLocal).incrementAndGet();
        if (toCloud) {
          cloudInFlight.incrementAndGet();
          lastCloudTraffic = clock.instant();
        }
      }

      @Override
      public void ended() {
        if (started && toCloud) {
          lastCloudTraffic = clock.instant();
          cloudInFlight.decrementAndGet();
        }
        req.release();
      }
    });
  }
}
