package dev.headroom.tunnel;

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
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * What the private path costs, measured in one run on loopback: the same upstream (a 64-byte 200) reached
 * <ol>
 *   <li>direct: client -> upstream;</li>
 *   <li>tunnel: client -> {@link SshTunnel}'s loopback end -> SSH (Apache MINA SSHD's own server, pinned Ed25519 host
 *       key, per-VM key login) -> upstream;</li>
 *   <li>gateway, plain: client -> gateway (CLOUD_ONLY) -> upstream (the old path to a VM's external IP);</li>
 *   <li>gateway, tunnel: client -> gateway (CLOUD_ONLY) -> tunnel -> upstream (the path cloud traffic takes now).</li>
 * </ol>
 * Latency: sequential keep-alive GETs, the four paths interleaved in rounds so drift hits each alike; median and p99.
 * Throughput: {@code CLIENTS} clients for {@code SECONDS} on the direct and the tunnel path. Everything stays on
 * 127.0.0.1, counts and time are bounded, and it stops by itself. Run with {@code src/bench/tunnel.sh}.
 */
public final class TunnelBenchmark {
  private static final int WARMUP = 3_000;
  private static final int ROUNDS = 10;
  private static final int PER_ROUND = 500;
  private static final int CLIENTS = 16;
  private static final int SECONDS = 5;

  private TunnelBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // as the gateway sets it
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
    int upstreamPort = upstream.getAddress().getPort();

    TestSshServer sshd = new TestSshServer().start();
    KeyPair login = VmKeys.newEd25519();
    sshd.authorize(VmKeys.USER + ":" + PublicKeyEntry.toString(login.getPublic()) + " " + VmKeys.USER);
    String[] hostKey = sshd.hostKeyAttribute();
    HostKeyPinning pins = HostKeyPinning.fromGuestAttributes(List.of(
        new dev.headroom.spot.Compute.GuestAttribute("hostkeys", hostKey[0], hostKey[1])));
    SshTunnel tunnel = SshTunnel.open("127.0.0.1", sshd.port(), login, pins, upstreamPort, Duration.ofSeconds(10),
        why -> System.err.println("tunnel dropped: " + why));
    URI direct = URI.create("http://127.0.0.1:" + upstreamPort);
    URI viaTunnel = URI.create("http://127.0.0.1:" + tunnel.localAddress().getPort());

    Tasks tasks = ExecutorTasks.create("bench", 1);
    GatewaySettings gs = new GatewaySettings(true, 0, 1 << 20, 30, 3600,
        List.of(new RouteRule("bench", "/b/", "CLOUD_ONLY", "http://127.0.0.1:9", "GENERIC")));
    Gateway plain = new Gateway(gs, () -> Optional.of(direct), () -> false, u -> { }, Clock.systemUTC(), tasks);
    Gateway tunnelled = new Gateway(gs, () -> Optional.of(viaTunnel), () -> false, u -> { }, Clock.systemUTC(),
        tasks);
    plain.start();
    tunnelled.start();

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<String, URI> paths = new LinkedHashMap<>();
    paths.put("direct", direct.resolve("/ping"));
    paths.put("tunnel", viaTunnel.resolve("/ping"));
    paths.put("gateway -> upstream", plain.address().resolve("/b/ping"));
    paths.put("gateway -> tunnel -> upstream", tunnelled.address().resolve("/b/ping"));
    for (URI u : paths.values()) {
      sample(client, u, WARMUP);
    }
    Map<String, List<Long>> all = new LinkedHashMap<>();
    paths.keySet().forEach(k -> all.put(k, new ArrayList<>()));
    for (int r = 0; r < ROUNDS; r++) {
      for (var e : paths.entrySet()) {
        for (long v : sample(client, e.getValue(), PER_ROUND)) {
          all.get(e.getKey()).add(v);
        }
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    for (var e : all.entrySet()) {
      long[] v = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
      double med = v[v.length / 2] / 1000.0;
      medians.put(e.getKey(), med);
      System.out.printf(Locale.ROOT, "latency %-30s median %6.0f us, p99 %6.0f us (n=%d)%n", e.getKey(), med,
          v[v.length * 99 / 100] / 1000.0, v.length);
    }
    System.out.printf(Locale.ROOT, "tunnel added median latency vs direct: %.0f us%n",
        medians.get("tunnel") - medians.get("direct"));
    System.out.printf(Locale.ROOT, "cloud route added median latency, tunnel vs plain: %.0f us%n",
        medians.get("gateway -> tunnel -> upstream") - medians.get("gateway -> upstream"));

    for (String name : List.of("direct", "tunnel")) {
      System.out.printf(Locale.ROOT, "throughput %-6s %.0f req/s with %d clients%n", name,
          throughput(client, paths.get(name)), CLIENTS);
    }
    plain.close();
    tunnelled.close();
    tasks.close();
    tunnel.close();
    sshd.close();
    upstream.stop(0);
    System.exit(0);
  }

  private static long[] sample(HttpClient client, URI uri, int n) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
      out[i] = System.nanoTime() - s;
      if (r.statusCode() != 200 || r.body().length != 64) {
        throw new IllegalStateException(uri + " answered " + r.statusCode());
      }
    }
    return out;
  }

  private static double throughput(HttpClient client, URI uri) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + SECONDS * 1_000_000_000L;
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      fs.add(pool.submit(() -> {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < end) {
          try {
            if (client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              done.incrementAndGet();
            }
          } catch (Exception e) {
            // counted as not done
          }
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdownNow();
    return done.get() / (double) SECONDS;
  }
}
