package dev.headroom;

import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.AppException;
import dev.headroom.memory.ScriptedMemorySource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Durable usage ingest end to end, as a tool posts it: the real {@link App} (gateway on 127.0.0.1, {@code POST /usage},
 * validation, pricing, the single usage writer with group commit, H2 on a temp directory) and {@code clients}
 * concurrent HTTP/1.1 keep-alive connections, each posting as fast as it is answered. Every 202 means committed and
 * forced to disk. Prints events/s, POSTs/s, p50/p99 time to 202, fsyncs/s (groups the writer committed, each one
 * {@code CHECKPOINT SYNC}) and events per fsync. Budget (DESIGN.md 5): >= 10 000 events/s sustained.
 *
 * <pre>src/bench/usage-ingest.sh [clients=32] [events per POST list=1,10] [seconds=20] [warm-up seconds=5]</pre>
 */
public final class UsageIngestBench {
  private UsageIngestBench() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int[] perPost = Arrays.stream((args.length > 1 ? args[1] : "1,10").split(",")).mapToInt(Integer::parseInt)
        .toArray();
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    System.out.printf("# usage ingest: %d clients (HTTP/1.1 keep-alive), %d s measured after %d s warm-up, %d cores%n",
        clients, seconds, warmup, Runtime.getRuntime().availableProcessors());
    System.out.println("| clients | events/POST | events/s | POSTs/s | p50 ms | p99 ms | fsyncs/s | events/fsync |"
        + " errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int n : perPost) {
      System.out.println(run(clients, n, seconds, warmup));
    }
  }

  private static String run(int clients, int perPost, int seconds, int warmup) throws Exception {
    Path home = Files.createTempDirectory("usage-ingest-bench");
    Path data = home.resolve("data");
    Path config = home.resolve("config.json");
    Files.writeString(config, "{\"gateway\":{\"port\":0,\"routes\":[]},\"storage\":{\"dataDir\":\""
        + data.toString().replace("\\", "\\\\") + "\"}}");
    Settings settings = new SettingsLoader().load(config, Map.of());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (App app = new App(settings, new AppPaths(config, data), Clock.systemUTC(), new ScriptedMemorySource(),
        () -> {
          throw new AppException("no cloud in this bench");
        }, Optional.empty())) {
      app.start();
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", app.gateway.address().getPort());
      byte[] request = request(at.getPort(), perPost);
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      List<Future<Client>> running = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        running.add(pool.submit(() -> new Client(at, request, measuring, stop).call()));
      }
      Thread.sleep(warmup * 1000L);
      long groups0 = app.cost.groupsWritten();
      long t0 = System.nanoTime();
      measuring.set(true);
      Thread.sleep(seconds * 1000L);
      measuring.set(false);
      long elapsed = System.nanoTime() - t0;
      long groups = app.cost.groupsWritten() - groups0;
      stop.set(true);
      long posts = 0;
      long errors = 0;
      List<long[]> latencies = new ArrayList<>();
      for (Future<Client> f : running) {
        Client c = f.get();
        posts += c.count;
        errors += c.errors;
        latencies.add(Arrays.copyOf(c.nanos, c.count));
      }
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      double secs = elapsed / 1e9;
      return String.format("| %d | %d | %,.0f | %,.0f | %.2f | %.2f | %,.0f | %.1f | %d |", clients, perPost,
          posts * perPost / secs, posts / secs, pct(all, 0.50) / 1e6, pct(all, 0.99) / 1e6, groups / secs,
          groups == 0 ? 0.0 : (double) posts * perPost / groups, errors);
    } finally {
      pool.shutdownNow();
      try (var files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  private static byte[] request(int port, int perPost) {
    StringBuilder body = new StringBuilder(perPost > 1 ? "[" : "");
    for (int i = 0; i < perPost; i++) {
      body.append(i == 0 ? "" : ",").append("{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"inputTokens\":1200,"
          + "\"outputTokens\":300,\"route\":\"bench\"}");
    }
    if (perPost > 1) {
      body.append(']');
    }
    byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
    String head = "POST /usage HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + b.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(h, h.length + b.length);
    System.arraycopy(b, 0, out, h.length, b.length);
    return out;
  }

  /** One keep-alive connection posting back to back; records the time to each 202 while measuring. */
  private static final class Client {
    private final InetSocketAddress at;
    private final byte[] request;
    private final AtomicBoolean measuring;
    private final AtomicBoolean stop;
    long[] nanos = new long[1 << 14];
    int count;
    long errors;

    Client(InetSocketAddress at, byte[] request, AtomicBoolean measuring, AtomicBoolean stop) {
      this.at = at;
      this.request = request;
      this.measuring = measuring;
      this.stop = stop;
    }

    Client call() throws IOException {
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.connect(at);
        OutputStream out = s.getOutputStream();
        InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
        while (!stop.get()) {
          long t = System.nanoTime();
          out.write(request);
          out.flush();
          int status = readResponse(in);
          long took = System.nanoTime() - t;
          if (measuring.get()) {
            if (status != 202) {
              errors++;
              continue;
            }
            if (count == nanos.length) {
              nanos = Arrays.copyOf(nanos, nanos.length * 2);
            }
            nanos[count++] = took;
          }
        }
      }
      return this;
    }

    /** Reads one response (status line, headers, Content-Length body); returns the status. */
    private static int readResponse(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int status = -1;
      int length = 0;
      while (true) {
        line.setLength(0);
        int c;
        while ((c = in.read()) != '\n') {
          if (c < 0) {
            throw new IOException("connection closed by the server");
          }
          if (c != '\r') {
            line.append((char) c);
          }
        }
        if (line.length() == 0) {
          break;
        }
        String l = line.toString();
        if (status < 0) {
          status = Integer.parseInt(l.substring(9, 12));
        } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(l.substring(15).trim());
        }
      }
      in.readNBytes(length);
      return status;
    }
  }
}
