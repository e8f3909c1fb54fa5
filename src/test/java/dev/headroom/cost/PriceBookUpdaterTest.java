package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.testing.LoopbackHttp;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cost.priceBookUrl: a loopback HTTP server serves good, broken and partial sheets. */
class PriceBookUpdaterTest {
  private static final String SHEET = "{\"sample_spec\":{\"input_cost_per_token\":0},"
      + "\"_source\":{\"sheet\":\"test sheet\",\"commit\":\"abc\",\"asOf\":\"2026-11-20\"},"
      + "\"brand-new-model\":{\"input_cost_per_token\":1e-06,\"output_cost_per_token\":2e-06,\"mode\":\"chat\"},"
      + "\"gpt-4o\":{\"input_cost_per_token\":2.6e-06,\"output_cost_per_token\":1e-05,\"mode\":\"chat\"},"
      + "\"m3\":{\"input_cost_per_token\":1e-06,\"output_cost_per_token\":1e-06},"
      + "\"m4\":{\"input_cost_per_token\":1e-06,\"output_cost_per_token\":1e-06}}";
  @TempDir Path dir;
  private HttpServer server;
  private final AtomicReference<String> body = new AtomicReference<>(SHEET);
  private final AtomicInteger status = new AtomicInteger(200);
  private PriceBook book;
  private Path cache;

  @BeforeEach
  void setUp() throws IOException {
    server = LoopbackHttp.server("fake-" + getClass().getSimpleName());
    server.createContext("/prices.json", ex -> {
      LoopbackHttp.send(ex, status.get(), null, body.get().getBytes(StandardCharsets.UTF_8));
    });
    server.start();
    book = PriceBook.load(Optional.empty());
    cache = dir.resolve("llm-prices-download.json");
  }

  @AfterEach
  void tearDown() {
    LoopbackHttp.stop(server);
  }

  private PriceBookUpdater updater() {
    return new PriceBookUpdater(URI.create(LoopbackHttp.endpoint(server) + "/prices.json"),
        book, cache, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Clock.systemUTC());
  }

  @Test
  void aGoodDownloadUpdatesTheBookAndIsCachedForTheNextStart() {
    assertThat(book.find("brand-new-model")).isEmpty();
    assertThat(updater().refresh()).isEqualTo(PriceBookUpdater.Outcome.UPDATED);
    assertThat(book.find("brand-new-model")).isPresent();
    assertThat(book.find("gpt-4o").orElseThrow().input()).isEqualByComparingTo("2.6e-06");
    assertThat(book.find("claude-sonnet-4-5")).as("models the download lacks keep their price").isPresent();
    assertThat(book.source()).hasValueSatisfying(s -> assertThat(s.asOf()).isEqualTo("2026-11-20"));
    assertThat(cache).exists();

    PriceBook restarted = PriceBook.load(Optional.empty());
    new PriceBookUpdater(URI.create("http://127.0.0.1:1/x"), restarted, cache, HttpClient.newHttpClient(),
        Clock.systemUTC()).loadCached();
    assertThat(restarted.find("brand-new-model")).isPresent();
  }

  @Test
  void aTruncatedDownloadNeverReplacesTheGoodBookOrItsCache() throws IOException {
    PriceBookUpdater u = updater();
    u.refresh();
    String good = Files.readString(cache);
    body.set(SHEET.substring(0, SHEET.length() / 2));
    assertThat(u.refresh()).isEqualTo(PriceBookUpdater.Outcome.REJECTED);
    assertThat(book.find("brand-new-model")).isPresent();
    assertThat(Files.readString(cache)).isEqualTo(good);
  }

  @Test
  void aPartialSheetWithFewerThanHalfTheModelsIsRejected() {
    PriceBookUpdater u = updater();
    u.refresh(); // 4 priced models
    body.set("{\"only-one\":{\"input_cost_per_token\":1e-06,\"output_cost_per_token\":1e-06}}");
    assertThat(u.refresh()).isEqualTo(PriceBookUpdater.Outcome.REJECTED);
    assertThat(book.find("only-one")).isEmpty();
  }

  @Test
  void anErrorStatusOrAnUnreachableServerKeepsTheBook() {
    status.set(500);
    assertThat(updater().refresh()).isEqualTo(PriceBookUpdater.Outcome.REJECTED);
    LoopbackHttp.stop(server);
    assertThat(updater().refresh()).isEqualTo(PriceBookUpdater.Outcome.UNREACHABLE);
    assertThat(book.find("gpt-4o").orElseThrow().input()).isEqualByComparingTo("2.5e-06");
    assertThat(cache).doesNotExist();
  }

  @Test
  void aBadUrlIsAConfigErrorNamingTheField() {
    assertThatThrownBy(() -> PriceBookUpdater.create("ftp://x/y.json", book, cache, Clock.systemUTC()))
        .isInstanceOf(AppException.class).hasMessageContaining("cost.priceBookUrl");
    assertThatThrownBy(() -> PriceBookUpdater.create("not a url", book, cache, Clock.systemUTC()))
        .hasMessageContaining("cost.priceBookUrl");
  }
}
