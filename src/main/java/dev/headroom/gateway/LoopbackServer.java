package dev.headroom.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Headroom's HTTP server on 127.0.0.1: binds, guards, dispatches. Every request must carry a loopback Host header
 * naming the bound port (DNS rebinding is refused with 421, see {@link LoopbackGuard}). Mounted endpoints are
 * Headroom's own (usage intake, the cost stream, admin and control endpoints): matched by exact path, and refused to
 * web pages (non-loopback Origin: 403; a POST whose Content-Type is not application/json: 415). Everything else goes
 * to the fallback handler (the routing gateway), which forwards bodies and headers unchanged.
 *
 * <p>Threads: request handling runs on a pool that grows with demand, so a client that sends half a request holds
 * only its own thread and others are still answered; stream endpoints (server-sent events, held open for hours) run
 * on their own pool, at most {@link #STREAM_CLIENTS} at a time per endpoint (503 beyond).
 *
 * <pre>{@code
 * LoopbackServer server = new LoopbackServer(8010);
 * server.mount("/usage", cost.usageHandler());
 * server.mountStream("/cost/stream", cost.streamHandler());
 * server.start();   // http://127.0.0.1:8010
 * }</pre>
 */
public final class LoopbackServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackServer.class);
  /** Open clients allowed per stream endpoint. */
  public static final int STREAM_CLIENTS = 16;
  private static final int MAX_REQUEST_THREADS = 512;

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY the second write waits for the
    // client's delayed ACK: 40 ms a request (measured). Read once when the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private record Mount(HttpHandler handler, Optional<Semaphore> streamSlots) {}

  private final int configuredPort;
  private final Map<String, Mount> mounts = new LinkedHashMap<>();
  private HttpHandler fallback = ex -> {
    try (ex) {
      HttpJson.error(ex, 404, "Nothing is served at " + LoopbackGuard.printable(ex.getRequestURI().getRawPath()),
          Map.of());
    }
  };
  private HttpServer server;
  private ExecutorService requests;
  private ExecutorService streams;
  private volatile int boundPort = -1;

  /** @param port the TCP port on 127.0.0.1 (0 picks a free one) */
  public LoopbackServer(int port) {
    this.configuredPort = port;
  }

  /** Serves {@code handler} at exactly {@code path} as one of Headroom's own endpoints (before {@link #start()}). */
  public synchronized void mount(String path, HttpHandler handler) {
    add(path, new Mount(handler, Optional.empty()));
  }

  /**
   * Serves a long-lived endpoint (server-sent events) at exactly {@code path}, off the request pool and with at most
   * {@link #STREAM_CLIENTS} clients at a time; more get 503.
   */
  public synchronized void mountStream(String path, HttpHandler handler) {
    add(path, new Mount(handler, Optional.of(new Semaphore(STREAM_CLIENTS))));
  }

  /** Serves every request no mount matches (the routing gateway); Host-checked only, not Origin/Content-Type. */
  synchronized void fallback(HttpHandler handler) {
    if (server != null) {
      throw new IllegalStateException("set the fallback before start");
    }
    this.fallback = handler;
  }

  private void add(String path, Mount mount) {
    if (server != null) {
      throw new IllegalStateException("mount before start");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("A mount path starts with '/': " + path);
    }
    mounts.put(path, mount);
  }

  /** Binds 127.0.0.1 on the port and starts serving. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), configuredPort), 1024);
    } catch (IOException e) {
      throw new AppException("The gateway cannot listen on 127.0.0.1:" + configuredPort + " (" + e.getMessage()
          + "); set gateway.port to a free port, or 0 for any.", e);
    }
    boundPort = server.getAddress().getPort();
    requests = pool("loopback-", MAX_REQUEST_THREADS);
    streams = pool("loopback-stream-", STREAM_CLIENTS * Math.max(1, mounts.size()));
    server.setExecutor(requests);
    server.createContext("/", this::dispatch);
    server.start();
    LOG.info("Loopback server listening on {}", address());
  }

  private static ExecutorService pool(String name, int max) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, name + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The bound port (the actual one when configured as 0). */
  public int port() {
    if (boundPort < 0) {
      throw new IllegalStateException("The loopback server is not started");
    }
    return boundPort;
  }

  public URI address() {
    return URI.create("http://127.0.0.1:" + port());
  }

  private void dispatch(HttpExchange ex) throws IOException {
    Optional<LoopbackGuard.Rejection> bad = LoopbackGuard.host(ex.getRequestHeaders().getFirst("Host"), boundPort);
    Mount mount = bad.isPresent() ? null : mounts.get(ex.getRequestURI().getRawPath());
    if (mount != null) {
      bad = LoopbackGuard.ownEndpoint(ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Origin"),
          ex.getRequestHeaders().getFirst("Content-Type"));
    }
    if (bad.isPresent()) {
      try (ex) {
        LOG.debug("Refused {} {}: {}", ex.getRequestMethod(), LoopbackGuard.printable(ex.getRequestURI().toString()),
            bad.get().message());
        HttpJson.error(ex, bad.get().status(), bad.get().message(), Map.of());
      }
      return;
    }
    if (mount == null) {
      fallback.handle(ex);
    } else if (mount.streamSlots().isEmpty()) {
      mount.handler().handle(ex);
    } else {
      stream(ex, mount);
    }
  }

  private void stream(HttpExchange ex, Mount mount) throws IOException {
    Semaphore slots = mount.streamSlots().get();
    if (!slots.tryAcquire()) {
      try (ex) {
        HttpJson.error(ex, 503, "Too many stream clients (at most " + STREAM_CLIENTS + "); try again later",
            Map.of());
      }
      return;
    }
    try {
      streams.execute(() -> {
        try {
          mount.handler().handle(ex);
        } catch (IOException | RuntimeException e) {
          LOG.debug("Stream {} ended: {}", ex.getRequestURI().getRawPath(), e.toString());
        } finally {
          slots.release();
          ex.close();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      slots.release();
      try (ex) {
        HttpJson.error(ex, 503, "The server is stopping", Map.of());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      requests.shutdownNow();
      streams.shutdownNow();
      server = null;
    }
  }
}
