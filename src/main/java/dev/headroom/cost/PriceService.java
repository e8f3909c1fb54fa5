package dev.headroom.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import dev.headroom.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spot VM prices: vCPUs x core rate + GiB x RAM rate of the shape's series in the region, plus the boot disk.
 * Rates come from the {@link PriceCatalog}, memoized for {@link #TTL} by the injected clock and kept in the store;
 * when the catalog cannot be read, the last stored fetch (CACHED) or the bundled table (FALLBACK) is used, and the
 * catalog is tried again after {@link #RETRY}.
 */
public final class PriceService {
  private static final Logger LOG = LoggerFactory.getLogger(PriceService.class);
  public static final Duration TTL = Duration.ofHours(24);
  /** After a failed fetch, stored or bundled prices are used this long before the catalog is tried again. */
  public static final Duration RETRY = Duration.ofMinutes(10);
  private static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");

  private record Rates(Map<String, SeriesRates> bySeries, VmPrice.Source source, Instant fetchedAt, Instant until) {}

  private final Optional<PriceCatalog> catalog;
  private final Database db;
  private final Clock clock;
  private final BigDecimal diskPerGbHour;
  private final int diskGb;
  private final JsonNode fallback;
  private final Map<String, Rates> memo = new HashMap<>();

  /**
   * @param catalog the live catalog, or empty when Google Cloud is not connected
   * @param diskGb boot disk size added to every VM's price
   * @param diskType pd-balanced, pd-standard or pd-ssd
   */
  public PriceService(Optional<PriceCatalog> catalog, Database db, Clock clock, int diskGb, String diskType) {
    this.catalog = catalog;
    this.db = db;
    this.clock = clock;
    this.fallback = loadFallback();
    this.diskGb = diskGb;
    this.diskPerGbHour = fallback.path("diskPerGbMonth").path(diskType).decimalValue()
        .divide(HOURS_PER_MONTH, MathContext.DECIMAL64);
  }

  /** The Spot $/h of {@code machineType} in {@code region}; empty for an unknown shape or region. */
  public Optional<VmPrice> hourlyPrice(String machineType, String region) {
    Optional<MachineShape> shape = MachineShape.of(machineType);
    if (shape.isEmpty()) {
      return Optional.empty();
    }
    Rates rates = rates(region);
    SeriesRates r = rates.bySeries().get(shape.get().series());
    if (r == null) {
      return Optional.empty();
    }
    BigDecimal perHour = shape.get().vcpus().multiply(r.core()).add(shape.get().memoryGib().multiply(r.ram()))
        .add(diskPerGbHour.multiply(BigDecimal.valueOf(diskGb)));
    return Optional.of(new VmPrice(perHour, rates.source(), rates.fetchedAt()));
  }

  private synchronized Rates rates(String region) {
    Instant now = clock.instant();
    Rates memoized = memo.get(region);
    if (memoized != null && now.isBefore(memoized.until())) {
      return memoized;
    }
    Rates fresh = null;
    if (catalog.isPresent()) {
      try {
        Map<String, SeriesRates> live = catalog.get().spotRates(region);
        if (!live.isEmpty()) {
          fresh = new Rates(live, VmPrice.Source.CATALOG, now, now.plus(TTL));
          store(region, live, now);
        }
      } catch (AppException | IllegalStateException e) {
        LOG.warn("Cloud Billing Catalog unavailable ({}); using stored or bundled prices", e.getMessage());
      }
    }
    if (fresh == null) {
      Instant retry = now.plus(catalog.isPresent() ? RETRY : TTL);
      fresh = stored(region).map(r -> new Rates(r.bySeries(), r.source(), r.fetchedAt(), retry))
          .orElseGet(() -> new Rates(fallbackRates(region), VmPrice.Source.FALLBACK, now, retry));
    }
    memo.put(region, fresh);
    return fresh;
  }

  private void store(String region, Map<String, SeriesRates> rates, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO price_cache(region, series, core_per_hour,"
          + " ram_per_gib_hour, fetched_at) KEY(region, series) VALUES (?,?,?,?,?)")) {
        for (Map.Entry<String, SeriesRates> e : rates.entrySet()) {
          ps.setString(1, region);
          ps.setString(2, e.getKey());
          ps.setBigDecimal(3, e.getValue().core());
          ps.setBigDecimal(4, e.getValue().ram());
          ps.setLong(5, at.toEpochMilli());
          ps.addBatch();
        }
        return ps.executeBatch();
      }
    });
  }

  private Optional<Rates> stored(String region) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT series, core_per_hour, ram_per_gib_hour, fetched_at FROM price_cache WHERE region = ?")) {
        ps.setString(1, region);
        Map<String, SeriesRates> out = new HashMap<>();
        long fetched = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), new SeriesRates(rs.getBigDecimal(2), rs.getBigDecimal(3)));
            fetched = Math.max(fetched, rs.getLong(4));
          }
        }
        return out.isEmpty() ? Optional.<Rates>empty()
            : Optional.of(new Rates(out, VmPrice.Source.CACHED, Instant.ofEpochMilli(fetched), Instant.EPOCH));
      }
    });
  }

  private Map<String, SeriesRates> fallbackRates(String region) {
    Map<String, SeriesRates> out = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = fallback.path("regions").path(region).fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), new SeriesRates(e.getValue().path("spotCore").decimalValue(),
          e.getValue().path("spotRam").decimalValue()));
    }
    return out;
  }

  private static JsonNode loadFallback() {
    try (InputStream in = PriceService.class.getResourceAsStream("/gcp-prices-fallback.json")) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource /gcp-prices-fallback.json");
      }
      return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("Bundled GCP price table unreadable", e);
    }
  }
}
