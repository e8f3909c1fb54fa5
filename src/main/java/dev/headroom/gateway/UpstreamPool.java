package dev.headroom.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Keep-alive connections to the backends, per event loop (a request's upstream connection lives on the same thread
 * as its client connection: no hand-off between threads) and per {@code scheme://host:port}. {@code https} backends
 * (LLM providers) get TLS with the JDK's trust store and host name verification. Host names are resolved off the
 * event loop. All methods run on the given event loop.
 */
final class UpstreamPool {
  static final int CONNECT_TIMEOUT_MILLIS = 3000;
  private static final int MAX_IDLE_PER_KEY = 64;
  static final AttributeKey<String> KEY = AttributeKey.valueOf("headroom.upstreamKey");

  /** Receives what one upstream connection reads while it serves a request. */
  interface Listener {
    void read(Object msg);

    void readComplete();

    void closed();

    void writable();
  }

  private static final AttributeKey<Listener> LISTENER = AttributeKey.valueOf("headroom.upstreamListener");

  private final Executor resolver;
  private final java.util.function.Supplier<Transport> transport;
  private final SslContext tls;
  private final Map<EventLoop, Map<String, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();

  /** @param trust whom https backends must be certified by (empty: the JDK's default trust store) */
  UpstreamPool(Executor resolver, java.util.Optional<javax.net.ssl.TrustManagerFactory> trust,
      java.util.function.Supplier<Transport> transport) {
    this.resolver = resolver;
    this.transport = transport;
    try {
      this.tls = SslContextBuilder.forClient().trustManager(trust.orElse(null)).build();
    } catch (SSLException e) {
      throw new IllegalStateException("No TLS client context", e);
    }
  }

  static String key(URI base) {
    return base.getScheme() + "://" + base.getHost() + ":" + port(base);
  }

  static int port(URI base) {
    return base.getPort() >= 0 ? base.getPort() : base.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** An idle pooled connection, if any (it is removed from the pool). */
  Channel pooled(EventLoop loop, URI base) {
    ArrayDeque<Channel> q = idle.computeIfAbsent(loop, l -> new HashMap<>()).get(key(base));
    while (q != null && !q.isEmpty()) {
      Channel ch = q.pollLast();
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  /** Opens a new connection (resolving a host name off the loop); completes on {@code loop}. */
  Future<Channel> connect(EventLoop loop, URI base) {
    Promise<Channel> p = loop.newPromise();
    String host = base.getHost();
    int port = port(base);
    if (isLiteral(host)) {
      open(loop, base, new InetSocketAddress(literal(host), port), p);
    } else {
      try {
        resolver.execute(() -> {
          try {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(host), port);
            loop.execute(() -> open(loop, base, a, p));
          } catch (java.net.UnknownHostException e) {
            p.tryFailure(e);
          }
        });
      } catch (RejectedExecutionException e) {
        p.tryFailure(e);
      }
    }
    return p;
  }

  private void open(EventLoop loop, URI base, InetSocketAddress address, Promise<Channel> p) {
    boolean https = base.getScheme().equalsIgnoreCase("https");
    Bootstrap b = new Bootstrap().group(loop).channel(transport.get().client())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (https) {
              SslHandler ssl = tls.newHandler(ch.alloc(), base.getHost(), port(base));
              SSLEngine engine = ssl.engine();
              SSLParameters params = engine.getSSLParameters();
              params.setEndpointIdentificationAlgorithm("HTTPS");
              engine.setSSLParameters(params);
              ch.pipeline().addLast(ssl);
            }
            ch.pipeline().addLast(new HttpClientCodec(8192, 64 * 1024, 64 * 1024), RELAY);
          }
        });
    ChannelFuture f = b.connect(address);
    f.addListener(done -> {
      if (done.isSuccess()) {
        f.channel().attr(KEY).set(key(base));
        p.trySuccess(f.channel());
      } else {
        p.tryFailure(done.cause());
      }
    });
  }

  /** Routes what a connection reads to the request it serves now. */
  static void listen(Channel ch, Listener l) {
    ch.attr(LISTENER).set(l);
  }

  /** Returns a connection whose response was read to the end; closes it if the pool is full. */
  void release(Channel ch) {
    ch.attr(LISTENER).set(null);
    if (!ch.isActive()) {
      return;
    }
    ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new HashMap<>())
        .computeIfAbsent(ch.attr(KEY).get(), k -> new ArrayDeque<>());
    if (q.size() >= MAX_IDLE_PER_KEY) {
      ch.close();
    } else {
      q.addLast(ch);
    }
  }

  private static boolean isLiteral(String host) {
    return host.matches("[0-9.]+") || host.startsWith("[") || host.contains(":");
  }

  private static InetAddress literal(String host) {
    try {
      return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final ChannelHandler RELAY = new Relay();

  @ChannelHandler.Sharable
  private static final class Relay extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Listener l = ctx.channel().attr(LISTENER).get();
      if (l == null) {
        ReferenceCountUtil.release(msg); // an idle connection said something: not reusable
        ctx.close();
      } else {
        l.read(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      Listener l = ctx.channel().attr(LISTENER).get();
      if (l != null) {
        l.readComplete();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Listener l = ctx.channel().attr(LISTENER).getAndSet(null);
      if (l != null) {
        l.closed();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Listener l = ctx.channel().attr(LISTENER).get();
      if (l != null && ctx.channel().isWritable()) {
        l.writable();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
