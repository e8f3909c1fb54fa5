package dev.headroom.gateway;

import dev.headroom.config.GatewaySettings;
import dev.headroom.cost.UsageSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
  // Hop-by-hop headers, and those the proxy sets itself.
  private static final Set<String> SKIP_REQUEST = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "expect", "http2-settings");
  private static final Set<String> SKIP_RESPONSE = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length");

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

    Request(Channel client, Route route, FullHttpRequest req, String pathAndQuery, ByteBuf body) {
      this.client = client;
      this.route = route;
      this.method = req.method();
      this.pathAndQuery = pathAndQuery;
      this.body = body;
      this.headers = new DefaultHttpHeaders();
      for (Entry<String, String> h : req.headers()) {
        String lower = h.getKey().toLowerCase(Locale.ROOT);
        if (!SKIP_REQUEST.contains(lower) && !(route.metered && lower.equals("accept-encoding"))) {
          headers.add(h.getKey(), h.getValue());
        }
      }
      if (route.metered) {
        headers.set(HttpHeaderNames.ACCEPT_ENCODING, "identity"); // metering reads the body: no compression
      }
      if (client.remoteAddress() instanceof InetSocketAddress a) {
        headers.set("X-Forwarded-For", a.getAddress().getHostAddress());
      }
      String host = req.headers().get(HttpHeaderNames.HOST);
      if (host != null) {
        headers.set("X-Forwarded-Host", host);
      }
      headers.set("X-Headroom-Route", route.name());
      if (body.isReadable() || method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT)
          || method.equals(HttpMethod.PATCH)) {
        headers.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      }
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
    new Exchange(req, base, outcome).start();
  }

  /** 504 when the backend did not answer in time, else 502; both name the route and the target. */
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

  /** One attempt: a connection, the request written, the response relayed. Event-loop confined. */
  private final class Exchange implements UpstreamPool.Listener {
    private final Request req;
    private final URI base;
    private final Outcome outcome;
    private final EventLoop loop;
    private Channel upstream;
    private boolean reused;
    private boolean retried;
    private boolean headersIn;
    private boolean over;
    private boolean keepAlive;
    private boolean sse;
    private boolean holdLast;
    private UsageMeter meter;
    private HttpContent held;
    private ScheduledFuture<?> timeout;

    Exchange(Request req, URI base, Outcome outcome) {
      this.req = req;
      this.base = base;
      this.outcome = outcome;
      this.loop = (EventLoop) req.client.eventLoop();
    }

    void start() {
      timeout = loop.schedule(this::timedOut, settings.upstreamTimeoutSeconds(), TimeUnit.SECONDS);
      Channel ch = pool.pooled(loop, base);
      if (ch != null) {
        reused = true;
        send(ch);
      } else {
        connect();
      }
    }

    private void connect() {
      reused = false;
      pool.connect(loop, base).addListener(f -> {
        if (over) {
          if (f.isSuccess()) {
            ((Channel) f.getNow()).close();
          }
        } else if (f.isSuccess()) {
          send((Channel) f.getNow());
        } else {
          over = true;
          timeout.cancel(false);
          if (notConnected(f.cause())) {
            outcome.notConnected(f.cause());
          } else {
            failed(req, base, f.cause());
            outcome.ended();
          }
        }
      });
    }

    private void send(Channel ch) {
      upstream = ch;
      UpstreamPool.listen(ch, this);
      String target = Route.stripSlash(base.getRawPath() == null ? "" : base.getRawPath()) + req.pathAndQuery;
      DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method,
          target.startsWith("/") ? target : "/" + target, req.body.retainedDuplicate());
      r.headers().set(req.headers);
      int port = UpstreamPool.port(base);
      boolean defaultPort = port == (base.getScheme().equalsIgnoreCase("https") ? 443 : 80);
      r.headers().set(HttpHeaderNames.HOST, base.getHost() + (defaultPort ? "" : ":" + port));
      ch.writeAndFlush(r).addListener(f -> {
        if (!f.isSuccess() && !headersIn && !over) {
          ch.close(); // closed() retries a reused connection, or answers 502
        }
      });
    }

    private void timedOut() {
      if (!headersIn && !over) {
        over = true;
        if (upstream != null) {
          UpstreamPool.listen(upstream, null);
          upstream.close();
        }
        failed(req, base, new UpstreamTimeout());
        outcome.ended();
      }
    }

    @Override
    public void read(Object msg) {
      if (over) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpResponse resp) {
        if (resp.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
          ReferenceCountUtil.release(msg);
          return; // 100 Continue and the like: the real answer follows
        }
        headers(resp);
      }
      if (msg instanceof HttpContent content) {
        content(content);
      }
    }

    private void headers(HttpResponse resp) {
      headersIn = true;
      timeout.cancel(false);
      keepAlive = HttpUtil.isKeepAlive(resp);
      outcome.started();
      int status = resp.status().code();
      DefaultHttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, resp.status());
      for (Entry<String, String> h : resp.headers()) {
        if (!SKIP_RESPONSE.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          out.headers().add(h.getKey(), h.getValue());
        }
      }
      String type = resp.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      sse = type.startsWith("text/event-stream");
      long length = HttpUtil.getContentLength(resp, -1L);
      boolean head = req.method.equals(HttpMethod.HEAD);
      if (head) {
        if (length >= 0) {
          HttpUtil.setContentLength(out, length);
        }
      } else if (status == 204 || status == 304) {
        // no body, no framing
      } else if (length >= 0 && !sse) {
        HttpUtil.setContentLength(out, length);
      } else {
        HttpUtil.setTransferEncodingChunked(out, true);
      }
      if (req.route.metered && status < 400) {
        meter = new UsageMeter(req.route.anthropic, sse, UsageParsers.requestModel(ByteBufUtil.getBytes(req.body)));
        holdLast = !sse;
      }
      LoopbackServer.onWritable(req.client, () -> {
        if (upstream != null && !over) {
          upstream.config().setAutoRead(true);
        }
      });
      req.client.write(out).addListener(this::clientWrite);
    }

    private void content(HttpContent content) {
      ByteBuf data = content.content();
      int n = data.readableBytes();
      req.route.bytesOut.addAndGet(n);
      if (meter != null && n > 0) {
        byte[] copy = ByteBufUtil.getBytes(data);
        meter.accept(copy, 0, copy.length);
      }
      if (content instanceof LastHttpContent) {
        finish(content);
        return;
      }
      if (holdLast) {
        // A fixed-length response ends with its last byte: keep the last piece until the usage is recorded.
        if (held != null) {
          req.client.write(held).addListener(this::clientWrite);
        }
        held = new DefaultHttpContent(data);
        return;
      }
      req.client.write(new DefaultHttpContent(data)).addListener(this::clientWrite);
      if (sse) {
        req.client.flush();
      }
      if (!req.client.isWritable()) {
        upstream.config().setAutoRead(false); // resumes when the client drains (LoopbackServer.onWritable)
      }
    }

    private void finish(HttpContent last) {
      over = true;
      Channel up = upstream;
      UpstreamPool.listen(up, null);
      up.config().setAutoRead(true);
      if (keepAlive) {
        pool.release(up);
      } else {
        up.close();
      }
      HttpContent tail = held;
      held = null;
      LastHttpContent end = new io.netty.handler.codec.http.DefaultLastHttpContent(last.content());
      if (meter == null) {
        end(tail, end);
        return;
      }
      UsageMeter m = meter;
      try {
        offLoop.execute(() -> {
          try {
            record(m);
          } finally {
            loop.execute(() -> end(tail, end));
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        end(tail, end);
      }
    }

    private void end(HttpContent tail, LastHttpContent end) {
      if (tail != null) {
        req.client.write(tail);
      }
      req.client.writeAndFlush(end).addListener(this::clientWrite);
      LoopbackServer.onWritable(req.client, null);
      outcome.ended();
    }

    private void record(UsageMeter m) {
      m.result().ifPresent(t -> usage.record(t.toUsage(clock.instant(),
          req.route.anthropic ? "anthropic" : "openai", req.route.name())));
    }

    private void clientWrite(io.netty.util.concurrent.Future<? super Void> f) {
      if (!f.isSuccess()) {
        abandon("the client went away");
      }
    }

    @Override
    public void readComplete() {
      if (headersIn && !over) {
        req.client.flush();
      }
    }

    @Override
    public void closed() {
      if (over) {
        return;
      }
      if (!headersIn) {
        if (reused && !retried) {
          // A kept-alive connection the backend had closed: nothing was answered, send it on a new one.
          retried = true;
          connect();
          return;
        }
        over = true;
        timeout.cancel(false);
        failed(req, base, new UpstreamClosed());
        outcome.ended();
        return;
      }
      abandon("the backend closed the connection mid-response");
    }

    private void abandon(String why) {
      req.client.close();
      if (over) {
        return; // the backend connection is already back in the pool or closed
      }
      over = true;
      if (held != null) {
        held.release();
        held = null;
      }
      if (upstream != null) {
        UpstreamPool.listen(upstream, null);
        upstream.close();
      }
      LoopbackServer.onWritable(req.client, null);
      req.route.errors.incrementAndGet();
      LOG.debug("Relay on route '{}' ended early: {}", req.route.name(), why);
      outcome.ended();
    }

    @Override
    public void writable() {
      // requests are written whole; nothing waits for the backend to drain
    }
  }
}
