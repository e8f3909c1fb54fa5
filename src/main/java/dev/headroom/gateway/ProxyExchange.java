package dev.headroom.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarding attempt, confined to the client connection's event loop: a backend connection (pooled, or new; a
 * pooled one the backend had closed is replaced once), the request written, the response relayed as it arrives.
 * A fixed-length metered response keeps its last piece until its usage is recorded; a response that stops midway
 * closes the client connection (the only way to tell a client a relayed body is incomplete).
 *
 * <p>The hot path allocates little (the app runs on C1 only, which does not elide allocations): the client's request
 * headers and the backend's response object are passed on with the hop-by-hop headers taken out rather than copied,
 * and the backend's answer is timed by its connection (one check per connection, not a timer per request).
 */
final class ProxyExchange implements BackendConnection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
  private final Proxy proxy;
  private final UpstreamPool pool;
  private final Proxy.Request req;
  private final Backend base;
  private final Proxy.Outcome outcome;
  private final EventLoop loop;
  private BackendConnection upstream;
  private boolean reused;
  private boolean retried;
  private boolean headersIn;
  private boolean over;
  private boolean keepAlive;
  private boolean sse;
  private boolean holdLast;
  private UsageMeter meter;
  private HttpContent held;
  private ScheduledFuture<?> connecting; // the answer's timer while there is no connection to time it yet

  ProxyExchange(Proxy proxy, UpstreamPool pool, Proxy.Request req, Backend base, Proxy.Outcome outcome) {
    this.proxy = proxy;
    this.pool = pool;
    this.req = req;
    this.base = base;
    this.outcome = outcome;
    this.loop = (EventLoop) req.client.eventLoop();
  }

  void start() {
    BackendConnection c = pool.pooled(loop, base);
    if (c != null) {
      reused = true;
      send(c);
    } else {
      connect();
    }
  }

  private void connect() {
    reused = false;
    if (connecting == null) {
      connecting = loop.schedule(this::timedOut, proxy.upstreamTimeoutSeconds(), TimeUnit.SECONDS);
    }
    pool.connect(loop, base).addListener(f -> {
      if (over) {
        if (f.isSuccess()) {
          ((BackendConnection) f.getNow()).close();
        }
      } else if (f.isSuccess()) {
        send((BackendConnection) f.getNow());
      } else {
        over = true;
        stopTimers();
        if (Proxy.notConnected(f.cause())) {
          outcome.notConnected(f.cause());
        } else {
          proxy.failed(req, base, f.cause());
          outcome.ended();
        }
      }
    });
  }

  private void send(BackendConnection c) {
    upstream = c;
    c.listen(this);
    if (connecting != null) {
      connecting.cancel(false);
      connecting = null;
    }
    c.expectAnswerWithin(TimeUnit.SECONDS.toNanos(proxy.upstreamTimeoutSeconds()));
    req.headers.set(HttpHeaderNames.HOST, base.hostHeader);
    DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method,
        base.target(req.pathAndQuery), req.body.isReadable() ? req.body.retainedDuplicate() : Unpooled.EMPTY_BUFFER,
        req.headers, EmptyHttpHeaders.INSTANCE);
    c.send(r).addListener(f -> {
      if (!f.isSuccess() && !headersIn && !over) {
        c.close(); // closed() retries a reused connection, or answers 502
      }
    });
  }

  private void stopTimers() {
    if (connecting != null) {
      connecting.cancel(false);
      connecting = null;
    }
    if (upstream != null) {
      upstream.answered();
    }
  }

  @Override
  public void timedOut() {
    if (!headersIn && !over) {
      over = true;
      stopTimers();
      if (upstream != null) {
        upstream.listen(null);
        upstream.close();
      }
      proxy.failed(req, base, new Proxy.UpstreamTimeout());
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
      if (resp.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
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
    upstream.answered();
    keepAlive = HttpUtil.isKeepAlive(resp);
    outcome.started();
    int status = resp.status().code();
    HttpHeaders h = resp.headers();
    String type = h.get(HttpHeaderNames.CONTENT_TYPE, "");
    sse = type.startsWith("text/event-stream");
    long length = HttpUtil.getContentLength(resp, -1L);
    // The backend's response goes on to the client as it is, without the hop-by-hop headers (and the framing, which
    // is set again below for the client's connection).
    for (AsciiString name : Proxy.HOP_BY_HOP_RESPONSE) {
      h.remove(name);
    }
    resp.setProtocolVersion(HttpVersion.HTTP_1_1);
    boolean head = req.method.equals(HttpMethod.HEAD);
    if (head) {
      if (length >= 0) {
        HttpUtil.setContentLength(resp, length);
      }
    } else if (status == 204 || status == 304) {
      // no body, no framing
    } else if (length >= 0 && !sse) {
      HttpUtil.setContentLength(resp, length);
    } else {
      HttpUtil.setTransferEncodingChunked(resp, true);
    }
    if (req.route.metered && status < 400) {
      meter = new UsageMeter(req.route.anthropic, sse, UsageParsers.requestModel(ByteBufUtil.getBytes(req.body)));
      holdLast = !sse;
    }
    LoopbackServer.onWritable(req.client, () -> {
      if (upstream != null && !over) {
        upstream.setAutoRead(true);
      }
    });
    req.client.write(resp).addListener(this::clientWrite);
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
      upstream.setAutoRead(false); // resumes when the client drains (LoopbackServer.onWritable)
    }
  }

  private void finish(HttpContent last) {
    over = true;
    BackendConnection up = upstream;
    up.listen(null);
    up.setAutoRead(true);
    if (keepAlive) {
      pool.release(up);
    } else {
      up.close();
    }
    HttpContent tail = held;
    held = null;
    // The backend's own last piece when it carries no trailers (they are not relayed).
    LastHttpContent end = last instanceof LastHttpContent l && l.trailingHeaders().isEmpty() ? l
        : new DefaultLastHttpContent(last.content());
    if (meter == null) {
      end(tail, end);
      return;
    }
    UsageMeter m = meter;
    try {
      proxy.offLoop().execute(() -> {
        try {
          proxy.record(req.route, m);
        } finally {
          loop.execute(() -> end(tail, end));
        }
      });
    } catch (RejectedExecutionException e) {
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

  private void clientWrite(Future<? super Void> f) {
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
      if (reused && !retried && idempotent(req.method)) {
        // A kept-alive connection the backend had closed: nothing was answered, send it on a new one. Only for
        // idempotent methods (RFC 9110 9.2.2): a POST the backend may have acted on (an LLM call is billed) is never
        // sent twice; the client gets the 502 and decides.
        retried = true;
        connect();
        return;
      }
      over = true;
      stopTimers();
      proxy.failed(req, base, new Proxy.UpstreamClosed());
      outcome.ended();
      return;
    }
    abandon("the backend closed the connection mid-response");
  }

  private static boolean idempotent(HttpMethod m) {
    return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
        || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE);
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
      upstream.listen(null);
      upstream.close();
    }
    LoopbackServer.onWritable(req.client, null);
    req.route.errors.incrementAndGet();
    LOG.debug("Relay on route '{}' ended early: {}", req.route.name(), why);
    outcome.ended();
  }
}
