package dev.headroom.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in daily refresh of the LLM price book from {@code cost.priceBookUrl} (for example the raw URL of
 * LiteLLM's {@code model_prices_and_context_window.json}). A download replaces the book only when it is whole and
 * sane: HTTP 200, at most {@link #MAX_BYTES}, valid JSON, at least one priced model and at least half as many priced
 * models as the last good download. It is then written to a cache file (atomically) so the next start uses it
 * offline; a broken or partial download never replaces a good book or its cache.
 *
 * <pre>{@code
 * PriceBookUpdater u = PriceBookUpdater.create(settings.cost().priceBookUrl(), book, dataDir.resolve("x.json"), clock);
 * u.loadCached();
 * u.start(tasks);   // now if the cache is a day old, then daily
 * }</pre>
 */
public final class PriceBookUpdater {
  private static final Logger LOG = LoggerFactory.getLogger(PriceBookUpdater.class);
  public static final Duration PERIOD = Duration.ofHours(24);
  static final int MAX_BYTES = 50 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** What one refresh did. */
  public enum Outcome {
    UPDATED,
    REJECTED,
    UNREACHABLE
  }

  private final URI url;
  private final PriceBook book;
  private final Path cache;
  private final HttpClient http;
  private final Clock clock;
  private volatile int lastGoodSize;

  PriceBookUpdater(URI url, PriceBook book, Path cache, HttpClient http, Clock clock) {
    this.url = url;
    this.book = book;
    this.cache = cache;
    this.http = http;
    this.clock = clock;
  }

  /** Checks {@code url} (http or https); throws {@link AppException} naming {@code cost.priceBookUrl}. */
  public static PriceBookUpdater create(String url, PriceBook book, Path cache, Clock clock) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new AppException("Invalid setting cost.priceBookUrl: '" + url + "' is not a URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null) {
      throw new AppException("Invalid setting cost.priceBookUrl: '" + url + "' must be an http(s) URL");
    }
    return new PriceBookUpdater(uri, book, cache,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL)
            .build(), clock);
  }

  /** Applies the cached download of an earlier run, when there is a valid one. Local disk only. */
  public void loadCached() {
    if (!Files.isRegularFile(cache)) {
      return;
    }
    try {
      PriceBook cached = PriceBook.parse(JSON.readTree(cache.toFile()), cache.toString());
      if (cached.size() > 0) {
        book.replaceModels(cached);
        lastGoodSize = cached.size();
        LOG.info("LLM price book: {} models from the cached download of {}", cached.size(), url);
      }
    } catch (IOException | AppException e) {
      LOG.warn("Cached price book {} unreadable ({}); keeping the bundled book", cache, e.getMessage());
    }
  }

  /** Refreshes now if the cache is older than a day (or missing), then every {@link #PERIOD}. */
  public Tasks.Handle start(Tasks tasks) {
    if (cacheAge().map(age -> age.compareTo(PERIOD) >= 0).orElse(true)) {
      tasks.run(this::refresh);
    }
    return tasks.every(PERIOD, this::refresh);
  }

  private Optional<Duration> cacheAge() {
    try {
      Instant modified = Files.getLastModifiedTime(cache).toInstant();
      return Optional.of(Duration.between(modified, clock.instant()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Downloads and, when the download is whole and sane, swaps it in and caches it. Never throws. */
  public Outcome refresh() {
    byte[] body;
    try {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).GET()
          .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          LOG.warn("Price book download from {} answered HTTP {}; keeping the current book", url, r.statusCode());
          return Outcome.REJECTED;
        }
        body = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (IOException e) {
      LOG.warn("Price book download from {} failed ({}); keeping the current book", url, e.toString());
      return Outcome.UNREACHABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.UNREACHABLE;
    }
    if (body.length > MAX_BYTES) {
      LOG.warn("Price book download from {} is larger than {} bytes; keeping the current book", url, MAX_BYTES);
      return Outcome.REJECTED;
    }
    PriceBook fresh;
    try {
      JsonNode root = JSON.readTree(body);
      fresh = PriceBook.parse(root, url.toString());
    } catch (IOException | AppException e) {
      LOG.warn("Price book download from {} is not a whole price sheet ({}); keeping the current book", url,
          e.getMessage());
      return Outcome.REJECTED;
    }
    int floor = Math.max(1, lastGoodSize / 2);
    if (fresh.size() < floor) {
      LOG.warn("Price book download from {} prices {} models, fewer than half of the last good one ({});"
          + " keeping the current book", url, fresh.size(), lastGoodSize);
      return Outcome.REJECTED;
    }
    try {
      Files.createDirectories(cache.toAbsolutePath().getParent());
      Path tmp = Files.createTempFile(cache.toAbsolutePath().getParent(), "price-book", ".part");
      Files.write(tmp, body);
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("Cannot cache the price book at {} ({}); using it for this run only", cache, e.getMessage());
    }
    book.replaceModels(fresh);
    lastGoodSize = fresh.size();
    LOG.info("LLM price book refreshed from {}: {} models", url, fresh.size());
    return Outcome.UPDATED;
  }
}
