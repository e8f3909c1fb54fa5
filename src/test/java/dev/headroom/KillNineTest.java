package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.store.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real headless app in a child JVM on a real H2 file, killed with SIGKILL four times while clients post usage
 * steadily and a JSONL log is appended to: after the last restart every event that was answered 202 is stored
 * exactly once, and every log line is counted exactly once. The last stop is a SIGTERM, which must shut down
 * cleanly through the same path as Quit.
 */
class KillNineTest {
  private static final Pattern READY = Pattern.compile("gateway on http://127\\.0\\.0\\.1:(\\d+)");
  private static final int KILLS = 4;
  private static final int CLIENTS = 8;

  @TempDir Path home;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final AtomicReference<URI> target = new AtomicReference<>();
  private final Set<Long> acked = ConcurrentHashMap.newKeySet();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong lines = new AtomicLong();
  private final AtomicBoolean posting = new AtomicBoolean(true);
  private final AtomicBoolean appending = new AtomicBoolean(true);
  private Process child;

  @AfterEach
  void tearDown() throws Exception {
    posting.set(false);
    appending.set(false);
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void acknowledgedEventsAndLogLinesSurviveRepeatedKillNineExactlyOnce() throws Exception {
    Path log = home.resolve("usage.jsonl");
    Files.createFile(log);
    Files.writeString(home.resolve("config.json"), "{\"gateway\":{\"port\":0,\"routes\":[]},"
        + "\"cost\":{\"usageLogPath\":" + json.writeValueAsString(log.toString()) + "}}");
    for (int i = 0; i < CLIENTS; i++) {
      pool.execute(this::postSteadily);
    }
    pool.execute(() -> appendSteadily(log));
    for (int kill = 0; kill < KILLS; kill++) {
      start();
      awaitAcks(acked.size() + 25); // kill mid-stream, with acknowledged events behind and in flight
      Thread.sleep(100L * kill);
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    start();
    Thread.sleep(1000);
    posting.set(false);
    appending.set(false);
    Thread.sleep(200); // let in-flight posts get their answers
    long linesWritten = lines.get();
    awaitLogCaughtUp(linesWritten);
    String stderr = stop();

    String logFile = Files.readString(home.resolve("data/logs/headroom.0.log"));
    assertThat(stderr + "\n---- log file:\n" + logFile.substring(Math.max(0, logFile.length() - 3000)))
        .contains("Headroom stopped");
    Map<Long, Integer> posted = new HashMap<>();
    Map<Long, Integer> logged = new HashMap<>();
    try (Database db = Database.open(home.resolve("data"))) {
      db.withConnection(c -> {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT provider, input_tokens, output_tokens FROM llm_usage")) {
          while (rs.next()) {
            if (rs.getString(1).equals("http")) {
              posted.merge(rs.getLong(2), 1, Integer::sum);
            } else {
              logged.merge(rs.getLong(3), 1, Integer::sum);
            }
          }
        }
        return null;
      });
    }
    assertThat(acked).as("events answered 202").hasSizeGreaterThanOrEqualTo(25 * KILLS);
    List<Long> lost = acked.stream().filter(s -> !posted.containsKey(s)).sorted().toList();
    assertThat(lost).as("events answered 202 but missing after %d kill -9", KILLS).isEmpty();
    assertThat(posted.entrySet().stream().filter(e -> e.getValue() > 1).toList()).as("duplicated events").isEmpty();
    assertThat(linesWritten).isGreaterThan(50);
    assertThat(logged.entrySet().stream().filter(e -> e.getValue() > 1).toList()).as("log lines counted twice")
        .isEmpty();
    assertThat(logged.keySet()).as("log lines counted").hasSize((int) linesWritten);
    System.out.printf("kill -9 x%d: %d events answered 202, all stored once (%d stored in all); %d log lines, each"
        + " counted once%n", KILLS, acked.size(), posted.size(), linesWritten);
  }

  private void start() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Djava.awt.headless=true", "-Dsun.net.httpserver.nodelay=true", "-cp",
        System.getProperty("java.class.path"), "dev.headroom.Main", "--headless");
    pb.environment().keySet().removeIf(k -> k.startsWith("HEADROOM_"));
    pb.environment().put("HEADROOM_HOME", home.toString());
    pb.redirectErrorStream(true);
    child = pb.start();
    CountDownLatch ready = new CountDownLatch(1);
    StringBuilder out = new StringBuilder();
    Process p = child;
    pool.execute(() -> drain(p, out, ready));
    assertThat(ready.await(60, TimeUnit.SECONDS)).as("child ready; output so far:\n%s", out).isTrue();
    synchronized (out) {
      Matcher m = READY.matcher(out);
      assertThat(m.find()).isTrue();
      target.set(URI.create("http://127.0.0.1:" + m.group(1)));
    }
    lastOutput = out;
  }

  private StringBuilder lastOutput;

  private void awaitAcks(int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private String stop() throws Exception {
    child.destroy(); // SIGTERM
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    assertThat(child.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
    Thread.sleep(300);
    synchronized (lastOutput) {
      return lastOutput.toString();
    }
  }

  private static void drain(Process p, StringBuilder out, CountDownLatch ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (out) {
          out.append(line).append('\n');
        }
        if (READY.matcher(line).find()) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      // the child died
    }
  }

  private void postSteadily() {
    while (posting.get()) {
      URI base = target.get();
      if (base == null) {
        sleep(20);
        continue;
      }
      long s = seq.incrementAndGet();
      String body = "{\"provider\":\"http\",\"model\":\"gpt-4o-mini\",\"inputTokens\":" + s + ",\"outputTokens\":1}";
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/usage"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 202) {
          acked.add(s);
        }
      } catch (IOException e) {
        sleep(20); // the child is down or restarting: this event was not acknowledged
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void appendSteadily(Path log) {
    while (appending.get()) {
      long n = lines.get() + 1;
      try {
        Files.writeString(log, "{\"provider\":\"log\",\"model\":\"gpt-4o-mini\",\"inputTokens\":10,\"outputTokens\":"
            + n + "}\n", StandardOpenOption.APPEND);
        lines.set(n);
      } catch (IOException e) {
        return;
      }
      sleep(5);
    }
  }

  // Waits until the running child has counted every log line (read from its /cost/stream snapshot).
  private void awaitLogCaughtUp(long expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(target.get().resolve("/cost/stream")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      long calls = 0;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("data: ")) {
            for (JsonNode m : json.readTree(line.substring(6)).get("models")) {
              if (m.get("provider").asText().equals("log")) {
                calls = m.get("calls").asLong();
              }
            }
            break;
          }
        }
      }
      if (calls >= expected) {
        return;
      }
      Thread.sleep(500);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
