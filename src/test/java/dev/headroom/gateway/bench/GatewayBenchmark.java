package dev.headroom.gateway.bench;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.gateway.Gateway;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gateway overhead on loopback (budgets: &lt; 1 ms median added latency, &gt;= 5 000 req/s; DESIGN.md 5).
 * Latency: sequential GETs of a 64-byte body, direct to the upstream vs through the gateway, median of each.
 * Throughput: {@code CONCURRENCY} clients for {@code SECONDS} through the gateway. Everything stays on 127.0.0.1,
 * counts and time are bounded, and it stops by itself.
 */
public final class GatewayBenchmark {
  private static final int WARMUP = 5_000;
  private static final int SAMPLES = 5_000;
  private static final int CONCURRENCY = 16;
  private static final int SECONDS = 10;

  private GatewayBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // as the gateway sets it (see Gateway)
    HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    byte[] payload = "x".repeat(64).getBytes();
    upstream.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, payload.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(payload);
      }
    });
    upstream.setExecutor(Executors.newFixedThreadPool(32));
    upstream.start();
    URI direct = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
    Tasks tasks = ExecutorTasks.create("bench", 1);
    Gateway gw = new Gateway(new GatewaySettings(true, 0, 1 << 20, 30, 60,
        List.of(new RouteRule("bench", "/b/", "LOCAL_ONLY", direct.toString(), "GENERIC"))),
        Optional::empty, () -> false, u -> { }, Clock.systemUTC(), tasks);
    gw.start();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI viaGateway = gw.address().resolve("/b/ping");
    URI directUri = direct.resolve("/ping");

    latency(client, directUri, WARMUP);
    latency(client, viaGateway, WARMUP);
    long[] d = latency(client, directUri, SAMPLES);
    long[] g = latency(client, viaGateway, SAMPLES);
    double dMed = d[SAMPLES / 2] / 1000.0;
    double gMed = g[SAMPLES / 2] / 1000.0;
    System.out.printf(Locale.ROOT, "latency direct: median %.0f us, p99 %.0f us%n", dMed, d[SAMPLES * 99 / 100] / 1000.0);
    System.out.printf(Locale.ROOT, "latency gateway: median %.0f us, p99 %.0f us%n", gMed, g[SAMPLES * 99 / 100] / 1000.0);
    System.out.printf(Locale.ROOT, "added median latency: %.3f ms (budget < 1 ms)%n", (gMed - dMed) / 1000.0);

    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + SECONDS * 1_000_000_000L;
    Future<?>[] fs = new Future<?>[CONCURRENCY];
    for (int i = 0; i < CONCURRENCY; i++) {
      fs[i] = pool.submit(() -> {
        HttpRequest req = HttpRequest.newBuilder(viaGateway).timeout(java.time.Duration.ofSeconds(5)).build();
        while (System.nanoTime() < end) {
          try {
            if (client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              done.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
    }
    for (Future<?> f : fs) {
      f.get();
    }
    System.out.printf(Locale.ROOT, "throughput through the gateway: %.0f req/s with %d clients (%d failed; budget >= 5000)%n",
        done.get() / (double) SECONDS, CONCURRENCY, failed.get());
    pool.shutdownNow();
    gw.close();
    tasks.close();
    upstream.stop(0);
    System.exit(0);
  }

  private static long[] latency(HttpClient client, URI uri, int n) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(5)).build();
    long[] out = new long[n];
    int timeouts = 0;
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      try {
        client.send(req, HttpResponse.BodyHandlers.ofByteArray());
      } catch (java.net.http.HttpTimeoutException e) {
        timeouts++;
      }
      out[i] = System.nanoTime() - s;
    }
    if (timeouts > 0) {
      System.out.printf(Locale.ROOT, "%s: %d of %d requests timed out after 5 s%n", uri, timeouts, n);
    }
    Arrays.sort(out);
    return out;
  }
}
