package dev.headroom.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plumbing every fake Google REST server shares: a JDK server bound to 127.0.0.1 on a free port, served by daemon
 * threads, answering JSON the way Google's front ends do ({@code application/json; charset=UTF-8}, exact length).
 *
 * <pre>{@code
 * HttpServer s = LoopbackHttp.server("fake-compute");
 * s.createContext("/", ex -> LoopbackHttp.sendJson(ex, 200, node));
 * s.start();
 * String endpoint = LoopbackHttp.endpoint(s);   // http://127.0.0.1:PORT
 * LoopbackHttp.stop(s);
 * }</pre>
 */
public final class LoopbackHttp {
  /** Shared mapper for the fakes' bodies. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private LoopbackHttp() {}

  /** An unstarted server on 127.0.0.1, a free port, with daemon threads named {@code threadName}. */
  public static HttpServer server(String threadName) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setExecutor(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
      }));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:PORT} of a started server. */
  public static String endpoint(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code body} as JSON with {@code status}. */
  public static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, "application/json; charset=UTF-8", JSON.writeValueAsBytes(body));
  }

  /** Answers raw bytes with {@code status} and {@code contentType} (null: no Content-Type header). */
  public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null) {
      ex.getResponseHeaders().set("Content-Type", contentType);
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops the server at once and its threads with it. */
  public static void stop(HttpServer server) {
    server.stop(0);
    if (server.getExecutor() instanceof ExecutorService pool) {
      pool.shutdownNow();
    }
  }
}
