package dev.headroom.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 standing in for a backend, a VM backend or an LLM provider. */
public final class Upstream implements AutoCloseable {
  /** What the upstream received. */
  public record Seen(String method, String pathAndQuery, String body, String header) {}

  final String name;
  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public Upstream(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "upstream-" + name);
      t.setDaemon(true);
      return t;
    }));
    // Default: echo who answered and what it got.
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String pq = ex.getRequestURI().getRawPath()
          + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      seen.add(new Seen(ex.getRequestMethod(), pq, body, ex.getRequestHeaders().getFirst("X-Headroom-Route")));
      reply(ex, 200, "text/plain", name + " " + ex.getRequestMethod() + " " + pq);
    });
    server.start();
  }

  public Upstream on(String path, HttpHandler h) {
    server.createContext(path, ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), body, null));
      h.handle(ex);
    });
    return this;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
