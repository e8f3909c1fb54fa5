package dev.headroom.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Keep-alive connections to the backends, per event loop (a request's upstream connection lives on the same thread
 * as its client connection: no hand-off between threads) and per {@link Backend}. {@code https} backends
 * (LLM providers) get TLS with the JDK's trust store and host name verification. Host names are resolved off the
 * event loop. All methods but {@link #backend(URI)} run on the given event loop.
 */
final class UpstreamPool {
  static final int CONNECT_TIMEOUT_MILLIS = 3000;
  private static final int MAX_IDLE_PER_BACKEND = 64;

  private final Executor resolver;
  private final java.util.function.Supplier<Transport> transport;
  private final SslContext tls;
  private final Map<URI, Backend> backends = new ConcurrentHashMap<>();
  private final Map<EventLoop, Map<Backend, ArrayDeque<BackendConnection>>> idle = new ConcurrentHashMap<>();

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

  /** The one {@link Backend} for {@code base} (any thread). */
  Backend backend(URI base) {
    Backend b = backends.get(base); // the routes' and the VM's URI objects: hash cached, equal by identity first
    return b != null ? b : backends.computeIfAbsent(base, Backend::new);
  }

  /** An idle pooled connection to {@code backend}, if any (it is removed from the pool). */
  BackendConnection pooled(EventLoop loop, Backend backend) {
    Map<Backend, ArrayDeque<BackendConnection>> byBackend = idle.get(loop);
    ArrayDeque<BackendConnection> q = byBackend == null ? null : byBackend.get(backend);
    while (q != null && !q.isEmpty()) {
      BackendConnection c = q.pollLast();
      if (c.isActive()) {
        return c;
      }
    }
    return null;
  }

  /** Opens a new connection (resolving a host name off the loop); completes on {@code loop}. */
  Future<BackendConnection> connect(EventLoop loop, Backend backend) {
    Promise<BackendConnection> p = loop.newPromise();
    if (isLiteral(backend.host)) {
      open(loop, backend, new InetSocketAddress(literal(backend.host), backend.port), p);
    } else {
      try {
        resolver.execute(() -> {
          try {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(backend.host), backend.port);
            loop.execute(() -> open(loop, backend, a, p));
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

  private void open(EventLoop loop, Backend backend, InetSocketAddress address, Promise<BackendConnection> p) {
    BackendConnection conn = new BackendConnection(backend);
    Bootstrap b = new Bootstrap().group(loop).channel(transport.get().client())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (backend.https) {
              SslHandler ssl = tls.newHandler(ch.alloc(), backend.host, backend.port);
              SSLEngine engine = ssl.engine();
              SSLParameters params = engine.getSSLParameters();
              params.setEndpointIdentificationAlgorithm("HTTPS");
              engine.setSSLParameters(params);
              ch.pipeline().addLast(ssl);
            }
            ch.pipeline().addLast(new HttpClientCodec(8192, 64 * 1024, 64 * 1024), conn);
          }
        });
    ChannelFuture f = b.connect(address);
    f.addListener(done -> {
      if (done.isSuccess()) {
        p.trySuccess(conn);
      } else {
        p.tryFailure(done.cause());
      }
    });
  }

  /** Returns a connection whose response was read to the end; closes it if the pool is full. */
  void release(BackendConnection c) {
    c.listen(null);
    if (!c.isActive()) {
      return;
    }
    ArrayDeque<BackendConnection> q = idle.computeIfAbsent(c.channel().eventLoop(), l -> new IdentityHashMap<>())
        .computeIfAbsent(c.backend, k -> new ArrayDeque<>());
    if (q.size() >= MAX_IDLE_PER_BACKEND) {
      c.close();
    } else {
      q.addLast(c);
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
}
