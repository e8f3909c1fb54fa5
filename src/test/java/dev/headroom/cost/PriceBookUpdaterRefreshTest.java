package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.AppException;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refresh's schedule, its sanity floor at its exact edge, the cache on disk and the URL check. */
class PriceBookUpdaterRefreshTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private HttpServer server;
  private ExecutorService pool;
  private final AtomicReference<String> body = new AtomicReference<>(sheet(4));
  private final AtomicInteger requests = new AtomicInteger();
  private final MutableClock clock = new MutableClock(T0);
  private PriceBook book;
  private Path cache;

  /** Records what is scheduled; {@code run} runs at once on the caller. */
  private static final class RecordingTasks implements Tasks {
    final List<String> log = new ArrayList<>();
    final List<Runnable> periodic = new ArrayList<>();

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> work) {
      log.add("now");
      try {
        return CompletableFuture.completedFuture(work.call());
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public Handle every(Duration period, Runnable work) {
      log.add("every " + period);
      periodic.add(work);
      return () -> log.add("cancel");
    }

    @Override
    public Handle after(Duration delay, Runnable work) {
      log.add("after " + delay);
      return () -> { };
    }

    @Override
    public void close() { }
  }

  private static String sheet(int models) {
    return IntStream.range(0, models).mapToObj(i -> "\"model-" + i + "\":{\"input_cost_per_token\":1e-06,"
        + "\"output_cost_per_token\":2e-06}").collect(Collectors.joining(",", "{", "}"));
  }

  @BeforeEach
  void setUp() throws IOException {
    pool = Executors.newFixedThreadPool(2);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.setExecutor(pool);
    server.createContext("/prices.json", ex -> {
      requests.incrementAndGet();
      byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.start();
    book = PriceBook.load(Optional.empty());
    cache = dir.resolve("cache").resolve("llm-prices-download.json");
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    pool.shutdownNow();
  }

  private PriceBookUpdater updater() {
    return new PriceBookUpdater(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prices.json"),
        book, cache, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), clock);
  }

  @Test
  void withoutACacheTheFirstRefreshRunsAtOnceThenDaily() {
    RecordingTasks tasks = new RecordingTasks();

    updater().start(tasks);

    assertThat(tasks.log).containsExactly("now", "every PT24H");
    assertThat(requests).hasValue(1);
    assertThat(book.find("model-3")).isPresent();
    assertThat(cache).exists(); // its directory was created
    tasks.periodic.get(0).run();
    assertThat(requests).hasValue(2);
  }

  @Test
  void aCacheYoungerThanADayWaitsForTheDailyRefresh() throws IOException {
    Files.createDirectories(cache.getParent());
    Files.writeString(cache, sheet(2));
    Files.setLastModifiedTime(cache, FileTime.from(T0.minus(Duration.ofHours(24)).plusSeconds(1)));
    RecordingTasks tasks = new RecordingTasks();

    updater().start(tasks);

    assertThat(tasks.log).containsExactly("every PT24H");
    assertThat(requests).hasValue(0);
  }

  @Test
  void aCacheExactlyADayOldIsRefreshedAtOnce() throws IOException {
    Files.createDirectories(cache.getParent());
    Files.writeString(cache, sheet(2));
    Files.setLastModifiedTime(cache, FileTime.from(T0.minus(Duration.ofHours(24))));
    RecordingTasks tasks = new RecordingTasks();

    updater().start(tasks);

    assertThat(tasks.log).containsExactly("now", "every PT24H");
    assertThat(requests).hasValue(1);
  }

  @Test
  void aDownloadWithExactlyHalfTheModelsIsAcceptedAndOneFewerIsNot() {
    PriceBookUpdater u = updater();
    body.set(sheet(5));
    assertThat(u.refresh()).isEqualTo(PriceBookUpdater.Outcome.UPDATED);

    body.set(sheet(1));
    assertThat(u.refresh()).as("1 < 5 / 2").isEqualTo(PriceBookUpdater.Outcome.REJECTED);
    body.set(sheet(2));
    assertThat(u.refresh()).as("2 = 5 / 2").isEqualTo(PriceBookUpdater.Outcome.UPDATED);
    body.set(sheet(1));
    assertThat(u.refresh()).as("1 = 2 / 2").isEqualTo(PriceBookUpdater.Outcome.UPDATED);
  }

  @Test
  void aSheetWithoutOnePricedModelIsRejectedEvenTheFirstTime() {
    body.set("{\"_source\":{\"sheet\":\"empty\"}}");

    assertThat(updater().refresh()).isEqualTo(PriceBookUpdater.Outcome.REJECTED);
    assertThat(book.source()).hasValueSatisfying(s -> assertThat(s.sheet()).isNotEqualTo("empty"));
    assertThat(cache).doesNotExist();
  }

  @Test
  void theCachedDownloadSetsTheFloorForTheNextOne() throws IOException {
    Files.createDirectories(cache.getParent());
    Files.writeString(cache, sheet(6));
    PriceBookUpdater u = updater();
    u.loadCached();
    assertThat(book.find("model-5")).isPresent();

    body.set(sheet(2));
    assertThat(u.refresh()).as("2 < 6 / 2").isEqualTo(PriceBookUpdater.Outcome.REJECTED);
    assertThat(Files.readString(cache)).isEqualTo(sheet(6));
  }

  @Test
  void anEmptyOrUnreadableCacheLeavesTheBookAsItWas() throws IOException {
    int before = book.size();
    Files.createDirectories(cache.getParent());
    Files.writeString(cache, "{}");
    PriceBookUpdater u = updater();
    u.loadCached();
    assertThat(book.size()).isEqualTo(before);
    body.set(sheet(1));
    assertThat(u.refresh()).as("an empty cache sets no floor").isEqualTo(PriceBookUpdater.Outcome.UPDATED);

    Files.writeString(cache, "{broken");
    PriceBook other = PriceBook.load(Optional.empty());
    new PriceBookUpdater(URI.create("http://127.0.0.1:1/x"), other, cache, HttpClient.newHttpClient(), clock)
        .loadCached();
    assertThat(other.size()).isEqualTo(before);
    new PriceBookUpdater(URI.create("http://127.0.0.1:1/x"), other, dir.resolve("none.json"),
        HttpClient.newHttpClient(), clock).loadCached();
    assertThat(other.size()).isEqualTo(before);
  }

  @Test
  void aCacheThatCannotBeWrittenStillUpdatesTheBookForThisRun() throws IOException {
    Files.writeString(dir.resolve("cache"), "a file where the cache directory should be");

    assertThat(updater().refresh()).isEqualTo(PriceBookUpdater.Outcome.UPDATED);
    assertThat(book.find("model-0")).isPresent();
  }

  @Test
  void onlyHttpAndHttpsUrlsWithAHostAreAccepted() {
    assertThat(PriceBookUpdater.create(" https://example.invalid/prices.json ", book, cache, clock)).isNotNull();
    assertThat(PriceBookUpdater.create("HTTP://example.invalid/p.json", book, cache, clock)).isNotNull();
    assertThatThrownBy(() -> PriceBookUpdater.create("https:///prices.json", book, cache, clock))
        .isInstanceOf(AppException.class)
        .hasMessage("Invalid setting cost.priceBookUrl: 'https:///prices.json' must be an http(s) URL");
    assertThatThrownBy(() -> PriceBookUpdater.create("file:/etc/passwd", book, cache, clock))
        .hasMessage("Invalid setting cost.priceBookUrl: 'file:/etc/passwd' must be an http(s) URL");
    assertThatThrownBy(() -> PriceBookUpdater.create("http://a b/", book, cache, clock))
        .hasMessage("Invalid setting cost.priceBookUrl: 'http://a b/' is not a URL");
  }
}
