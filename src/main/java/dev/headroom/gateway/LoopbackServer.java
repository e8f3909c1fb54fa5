package dev.headroom.gateway;

import com.sun.net.httpserver.HttpHandler;
import dev.headroom.core.AppException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
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
 * to the fallback (the routing gateway), which forwards bodies and headers unchanged.
 *
 * <p>Threads: connections are read and written without blocking by a few event-loop threads (Netty), so a client
 * that sends half a request, or reads slowly, holds no thread at all; a handler sees a request only once it has fully
 * arrived. Mounted handlers (the JDK's {@link HttpHandler} API) run on a small endpoint pool; stream endpoints
 * (server-sent events, held open for hours) on their own pool, at most {@link #STREAM_CLIENTS} at a time per endpoint
 * (503 beyond).
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
  /** Largest body one of Headroom's own endpoints is given (they take JSON; POST /usage itself caps at 1 MiB). */
  static final int MAX_ENDPOINT_BODY = 2 << 20;
  // POST /usage holds its thread until the event is fsynced (a few ms): the writer can only group as many events as
  // there are threads waiting, so 8 capped durable ingest at ~8 events per fsync (engine helper, issue 10).
  private static final int ENDPOINT_THREADS = 64;
  private static final int ENDPOINT_QUEUE = 1024;
  static final AttributeKey<Runnable> ON_WRITABLE = AttributeKey.valueOf("headroom.onWritable");

  /** What serves the requests no mount matches: called on the connection's event loop with the whole request. */
  interface Fallback {
    /** Largest request body accepted. */
    long maxBody();

    /** The 413 message for a body over {@link #maxBody()} at {@code path} (and counts it). */
    String tooLarge(String path);

    /**
     * Answers {@code req} (released by the caller after this returns: retain what is kept) with exactly one response
     * that ends in a {@link LastHttpContent}; may finish later, from the channel's event loop.
     */
    void handle(ChannelHandlerContext ctx, FullHttpRequest req);
  }

  private final int configuredPort;
  private final ClientLimits limits;
  private final ConnectionCap cap;
  private final Transport transport = Transport.best();
  private final Map<String, Mount> mounts = new LinkedHashMap<>();
  private Fallback fallback = new Fallback() {
    @Override
    public long maxBody() {
      return 0;
    }

    @Override
    public String tooLarge(String path) {
      return "Nothing is served at " + LoopbackGuard.printable(path);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
      respond(ctx, 404, "Nothing is served at " + LoopbackGuard.printable(path(req.uri())), Map.of());
    }
  };
  private EventLoopGroup loops;
  private ExecutorService endpoints;
  private ExecutorService streams;
  private Channel listener;
  // Open client connections, closed (and their buffers freed) before the event loops stop.
  private final ChannelGroup connections = new DefaultChannelGroup("loopback", GlobalEventExecutor.INSTANCE);
  private volatile int boundPort = -1;

  /** @param port the TCP port on 127.0.0.1 (0 picks a free one) */
  public LoopbackServer(int port) {
    this(port, ClientLimits.DEFAULT);
  }

  /** As above, with other client timeouts and connection cap (tests). */
  LoopbackServer(int port, ClientLimits limits) {
    this.configuredPort = port;
    this.limits = limits;
    this.cap = new ConnectionCap(limits.maxConnections());
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
  synchronized void fallback(Fallback handler) {
    if (listener != null) {
      throw new IllegalStateException("set the fallback before start");
    }
    this.fallback = handler;
  }

  private void add(String path, Mount mount) {
    if (listener != null) {
      throw new IllegalStateException("mount before start");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("A mount path starts with '/': " + path);
    }
    mounts.put(path, mount);
  }

  /** Binds 127.0.0.1 on the port and starts serving. */
  public synchronized void start() {
    if (listener != null) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    loops = new MultiThreadIoEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()), r -> {
      Thread t = new Thread(r, "loopback-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, transport.io());
    endpoints = new ThreadPoolExecutor(ENDPOINT_THREADS, ENDPOINT_THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(ENDPOINT_QUEUE), daemon("loopback-endpoint-"));
    ((ThreadPoolExecutor) endpoints).allowCoreThreadTimeOut(true);
    streams = new ThreadPoolExecutor(0, STREAM_CLIENTS * Math.max(1, mounts.size()), 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemon("loopback-stream-"));
    int aggregate = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(MAX_ENDPOINT_BODY, fallback.maxBody()));
    ServerBootstrap b = new ServerBootstrap().group(loops).channel(transport.server())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!cap.admit(ch)) {
              return; // answered 503 and closing
            }
            connections.add(ch);
            ClientTimeouts timeouts = new ClientTimeouts(limits);
            ch.pipeline().addLast(timeouts.bytes(), new HttpServerCodec(8192, 16 * 1024, 64 * 1024),
                timeouts.messages(), new HttpServerKeepAliveHandler(),
                new RequestGuard(mounts::containsKey,
                new LoopbackGuard.Hosts(ch.localAddress().getPort()), fallback), new Aggregator(aggregate),
                new Dispatch(mounts, fallback, endpoints, streams, timeouts::answered));
          }
        });
    try {
      listener = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), configuredPort)).sync().channel();
    } catch (Exception e) {
      shutdown();
      throw new AppException("The gateway cannot listen on 127.0.0.1:" + configuredPort + " (" + e.getMessage()
          + "); set gateway.port to a free port, or 0 for any.", e);
    }
    boundPort = ((InetSocketAddress) listener.localAddress()).getPort();
    LOG.info("Loopback server listening on {} ({})", address(), transport.server().getSimpleName());
  }

  /** Client connections open now. */
  int openConnections() {
    return cap.open();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
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

  /** The channel classes matching the event loops (the proxy's backend connections share them). */
  Transport transport() {
    return transport;
  }

  /** The executor mounted handlers run on; the gateway also uses it for work that must not block an event loop. */
  ExecutorService endpointPool() {
    return endpoints;
  }

  @Override
  public synchronized void close() {
    if (listener != null) {
      listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      listener = null;
      shutdown();
    }
  }

  private void shutdown() {
    if (loops != null) {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
    if (endpoints != null) {
      endpoints.shutdownNow();
    }
    if (streams != null) {
      streams.shutdownNow();
    }
  }

  static String path(String uri) {
    int q = uri.indexOf('?');
    String p = q < 0 ? uri : uri.substring(0, q);
    int h = p.indexOf('#');
    return h < 0 ? p : p.substring(0, h);
  }

  /** Writes a JSON error (or any small JSON) as the whole response. */
  static void respond(ChannelHandlerContext ctx, int status, String message, Map<String, String> extra) {
    respond(ctx.channel(), status, message, extra);
  }

  /** Writes a JSON error as the whole response, from the pipeline's tail. */
  static void respond(Channel ch, int status, String message, Map<String, String> extra) {
    byte[] body = HttpJson.errorBody(status, message, extra);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    HttpUtil.setContentLength(r, body.length);
    ch.writeAndFlush(r); // from the tail, so Dispatch sees the end of the answer
  }

  /** Sets what runs when the channel becomes writable again (the proxy resumes reading its upstream). */
  static void onWritable(Channel ch, Runnable r) {
    ch.attr(ON_WRITABLE).set(r);
  }

  /** Aggregates bodies; a chunked body over the limit gets a JSON 413 and the connection is closed. */
  private static final class Aggregator extends HttpObjectAggregator {
    Aggregator(int max) {
      super(max, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      byte[] body = HttpJson.errorBody(413, "Request body larger than " + maxContentLength() + " bytes", Map.of());
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          Unpooled.wrappedBuffer(body));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      HttpUtil.setContentLength(r, body.length);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
