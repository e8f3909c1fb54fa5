package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cost endpoints over real HTTP on loopback, with a real engine ticking every 2 s. */
class CostHttpTest {
  @TempDir Path dir;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Tasks tasks = ExecutorTasks.create("cost-http", 2);
  private Database db;
  private CostEngine engine;
  private HttpServer server;
  private URI base;

  @BeforeEach
  void setUp() throws Exception {
    db = Database.open(dir);
    engine = new CostEngine(db, PriceBook.load(Optional.empty()),
        new PriceService(Optional.empty(), db, Clock.systemUTC(), 0, "pd-balanced"), "us-central1",
        new CostSettings(new BigDecimal("10"), new BigDecimal("100"), "", ""), List::of, Clock.systemUTC(),
        ZoneOffset.UTC, tasks, (p, pc, b) -> { });
    engine.start();
    CostHttp endpoints = new CostHttp(engine, Clock.systemUTC());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/usage", endpoints.usageHandler());
    server.createContext("/cost/stream", endpoints.streamHandler());
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    engine.close();
    tasks.close();
    db.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve("/usage")).POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void postedUsageIsAcceptedAndCounted() throws Exception {
    HttpResponse<String> r = post("[{\"provider\":\"anthropic\",\"model\":\"claude-haiku-4-5\",\"inputTokens\":1000,"
        + "\"outputTokens\":200},{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTokens\":10,\"outputTokens\":1}]");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).isEqualTo("{\"accepted\":2}");
    assertThat(engine.tick().models()).hasSize(2);
  }

  @Test
  void malformedUsageGets400WithTheReason() throws Exception {
    HttpResponse<String> r = post("{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTokens\":-3}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText()).contains("'inputTokens' must be between 0 and 10000000000, got -3");
    assertThat(engine.tick().models()).isEmpty();
  }

  @Test
  void streamDeliversSnapshotsAboutEveryTwoSeconds() throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/cost/stream")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
    List<Long> arrivals = new ArrayList<>();
    List<JsonNode> snapshots = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while (snapshots.size() < 3 && (line = in.readLine()) != null) {
        if (line.startsWith("data: ")) {
          arrivals.add(System.nanoTime());
          snapshots.add(json.readTree(line.substring(6)));
        }
      }
    }
    assertThat(snapshots.get(0).has("totalToday")).isTrue();
    assertThat(snapshots.get(2).get("daily").get("limit").decimalValue()).isEqualByComparingTo("10");
    // The first arrives on connect; then one per tick. Loose bounds: cadence is measured by the benchmark.
    double gapSeconds = (arrivals.get(2) - arrivals.get(1)) / 1e9;
    assertThat(gapSeconds).isBetween(1.0, 4.0);
  }

  @Test
  void jsonlLogIsTailedIncrementallyAndNotRecountedAfterRestart() throws Exception {
    Path log = dir.resolve("usage.jsonl");
    Files.writeString(log, "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTokens\":100,\"outputTokens\":10}\n"
        + "this is not json\n");
    UsageLogTailer tailer = new UsageLogTailer(log, engine, Clock.systemUTC());
    assertThat(tailer.poll()).isEqualTo(1);
    Files.writeString(log, "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTokens\":5,\"outputTokens\":1}\n"
        + "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTo", java.nio.file.StandardOpenOption.APPEND);
    assertThat(tailer.poll()).isEqualTo(1); // the partial last line waits for its newline
    UsageLogTailer afterRestart = new UsageLogTailer(log, engine, Clock.systemUTC());
    assertThat(afterRestart.poll()).isZero();
    Files.writeString(log, "kens\":7,\"outputTokens\":1}\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(afterRestart.poll()).isEqualTo(1);
    assertThat(engine.tick().models().get(0).calls()).isEqualTo(3);
  }

  private long storedRows() {
    return db.withConnection(c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM llm_usage")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static String event(String extra) {
    return "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTokens\":10,\"outputTokens\":1" + extra + "}";
  }

  private void assertRejected(String body, String field) throws Exception {
    HttpResponse<String> r = post(body);
    assertThat(r.statusCode()).as(body.length() > 300 ? body.substring(0, 300) : body).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode answer = json.readTree(r.body());
    assertThat(answer.get("field").asText()).isEqualTo(field);
    assertThat(answer.get("error").asText()).contains("'" + field + "'");
  }

  @Test
  void everyOversizedOrOutOfRangeFieldGetsA400NamingIt() throws Exception {
    String longModel = "m".repeat(201);
    assertRejected("{\"provider\":\"openai\",\"model\":\"" + longModel + "\",\"inputTokens\":1}", "model");
    assertRejected("{\"provider\":\"" + "p".repeat(65) + "\",\"model\":\"gpt-4o\"}", "provider");
    assertRejected(event(",\"route\":\"" + "r".repeat(100) + "\""), "route");
    assertRejected(event(",\"time\":\"+292278995-01-01T00:00:00Z\""), "time");
    assertRejected(event(",\"time\":\"+999999999-01-01T00:00:00Z\""), "time");
    assertRejected("{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"outputTokens\":10000000001}", "outputTokens");
    assertRejected("{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTokens\":9223372036854775807}",
        "inputTokens");
    assertRejected("{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"inputTokens\":1e30}", "inputTokens");
    assertRejected("{\"provider\":\"openai\",\"model\":\"gpt\\r\\n4o\\u001b[31m\",\"inputTokens\":1}", "model");
    assertRejected(event(",\"time\":\"2001-01-01T00:00:00Z\""), "time"); // old: only with backfill
    assertRejected(event(",\"time\":12345"), "time");
    assertRejected(event(",\"route\":7"), "route");
    assertThat(storedRows()).isZero();
  }

  @Test
  void aCostBeyondTheColumnIsRejectedNamingIt() throws Exception {
    Path book = dir.resolve("prices.json");
    Files.writeString(book, "{\"pricey\": {\"input_cost_per_token\": 5, \"output_cost_per_token\": 5}}");
    CostEngine pricey = new CostEngine(db, PriceBook.load(Optional.of(book)),
        new PriceService(Optional.empty(), db, Clock.systemUTC(), 0, "pd-balanced"), "us-central1",
        new CostSettings(new BigDecimal("10"), new BigDecimal("100"), "", ""), List::of, Clock.systemUTC(),
        ZoneOffset.UTC, tasks, (p, pc, b) -> { });
    try {
      // 5 USD x 1e10 tokens = 5e10 USD: more than DECIMAL(20, 10) holds.
      assertThatThrownBy(() -> pricey.price(new LlmUsage(java.time.Instant.now(), "x", "pricey", 10_000_000_000L, 0,
          0, 0, "api"), "[3].", false)).isInstanceOf(UsageRejected.class)
          .satisfies(e -> assertThat(((UsageRejected) e).field()).isEqualTo("[3].cost"));
    } finally {
      pricey.close();
    }
  }

  @Test
  void oneBadEventRejectsTheWholeArray() throws Exception {
    assertRejected("[" + event("") + "," + event("") + "," + event(",\"inputTokens\":-1") + "]", "[2].inputTokens");
    assertRejected("[" + event("") + ",42]", "[1]");
    assertThat(storedRows()).isZero();
    assertThat(engine.tick().models()).isEmpty();
  }

  @Test
  void emptyArrayIsAcceptedAsZero() throws Exception {
    HttpResponse<String> r = post("[]");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).isEqualTo("{\"accepted\":0}");
  }

  @Test
  void bodyOverOneMebibyteIs413() throws Exception {
    HttpResponse<String> r = post("[" + (event("") + ",").repeat(20_000) + event("") + "]");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(storedRows()).isZero();
  }

  @Test
  void backfillIsExplicit() throws Exception {
    String old = event(",\"time\":\"2025-01-01T00:00:00Z\"");
    assertThat(post(old).statusCode()).isEqualTo(400);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/usage?backfill=true"))
        .POST(HttpRequest.BodyPublishers.ofString(old)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(storedRows()).isEqualTo(1);
    assertRejected(event(",\"time\":\"1999-12-31T23:59:59Z\""), "time");
  }

  @Test
  void aStoreThatCannotWriteAnswers503AndReportsItsHealth() throws Exception {
    assertThat(engine.storeHealthy()).isTrue();
    db.close(); // the disk is gone: every write fails from here
    HttpResponse<String> r = post(event(""));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json.readTree(r.body()).get("error").asText()).contains("not stored");
    assertThat(engine.storeHealthy()).isFalse();
    assertThat(engine.storeHealth().lastError()).isPresent();
  }

  @Test
  void getIsRefusedWithAJsonAnswer() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/usage")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(json.readTree(r.body()).has("error")).isTrue();
  }

  @Test
  void aBadLogLineIsSkippedOnceAndTheOffsetMovesPastIt() throws Exception {
    Path log = dir.resolve("bad.jsonl");
    Files.writeString(log, event("") + "\n" + event(",\"time\":\"+999999999-01-01T00:00:00Z\"") + "\n"
        + "{\"provider\":\"openai\",\"model\":\"" + "m".repeat(300) + "\"}\n" + event("") + "\n");
    UsageLogTailer tailer = new UsageLogTailer(log, engine, Clock.systemUTC());
    assertThat(tailer.poll()).isEqualTo(2);
    assertThat(tailer.poll()).isZero(); // not re-read, not re-counted
    assertThat(new UsageLogTailer(log, engine, Clock.systemUTC()).poll()).isZero();
    assertThat(engine.logOffset(log.toAbsolutePath().toString())).isEqualTo(Files.size(log));
    assertThat(storedRows()).isEqualTo(2);
    Files.writeString(log, "garbage\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(tailer.poll()).isZero();
    assertThat(engine.logOffset(log.toAbsolutePath().toString())).isEqualTo(Files.size(log));
  }
}
