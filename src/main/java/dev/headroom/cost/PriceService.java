package dev.headroom.cost;

import dev.headroom.core.AppException;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spot VM prices: vCPUs x core rate + GiB x RAM rate of the shape's series in the region, plus the boot disk.
 *
 * <p>Reads never block and never do I/O: {@link #hourlyPrice} reads an immutable snapshot (region -> rates) held
 * in an {@link AtomicReference}. The snapshot starts from the store (the last catalog fetch, CACHED) or the bundled
 * dated table (FALLBACK); when a region's rates are older than {@link #TTL}, a read asks for a refresh, which runs
 * on {@link Tasks} (the catalog over the network, then the store) and swaps in a new snapshot. A failed fetch keeps
 * the current rates and tries again after {@link #RETRY}.
 */
public final class PriceService {
  private static final Logger LOG = LoggerFactory.getLogger(PriceService.class);
  public static final Duration TTL = Duration.ofHours(24);
  /** After a failed fetch, stored or bundled prices are used this long before the catalog is tried again. */
  public static final Duration RETRY = Duration.ofMinutes(10);
  private static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");

  /** Rates of one region and until when they are good. */
  private record Rates(Map<String, SeriesRates> bySeries, VmPrice.Source source, Instant fetchedAt, Instant until) {}

  /**
   * The machine-only price of one shape in one region, as {@code headroom price vm} prints it.
   *
   * @param onDemandPerHour empty when the source has no on-demand rate for the series there
   */
  public record Quote(String type, String region, BigDecimal vcpus, BigDecimal memoryGib, BigDecimal spotPerHour,
      Optional<BigDecimal> onDemandPerHour, VmPrice.Source source, Instant asOf) {}

  private final Optional<PriceCatalog> catalog;
  private final Database db;
  private final Clock clock;
  private final Tasks tasks;
  private final MachineTypes shapes;
  private final RateTable bundled = RateTable.bundled();
  private final BigDecimal diskPerGbHour;
  private final int diskGb;
  private final AtomicReference<Map<String, Rates>> snapshot = new AtomicReference<>(Map.of());
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

  /** Without a background executor: refreshes run on the calling thread (tests and tools; no catalog means no I/O). */
  public PriceService(Optional<PriceCatalog> catalog, Database db, Clock clock, int diskGb, String diskType) {
    this(catalog, db, clock, ExecutorTasks.sameThread(), MachineTypes.BUNDLED, diskGb, diskType);
  }

  /**
   * @param catalog the live catalog, or empty when Google Cloud is not connected
   * @param tasks where catalog refreshes run (never on the caller of {@link #hourlyPrice})
   * @param shapes machine shapes (live machineTypes.get when connected, else the bundled table)
   * @param diskGb boot disk size added to every VM's price
   * @param diskType pd-balanced, pd-standard or pd-ssd
   */
  public PriceService(Optional<PriceCatalog> catalog, Database db, Clock clock, Tasks tasks, MachineTypes shapes,
      int diskGb, String diskType) {
    this.catalog = catalog;
    this.db = db;
    this.clock = clock;
    this.tasks = tasks;
    this.shapes = shapes;
    this.diskGb = diskGb;
    this.diskPerGbHour = bundled.diskPerGbMonth().getOrDefault(diskType, BigDecimal.ZERO)
        .divide(HOURS_PER_MONTH, MathContext.DECIMAL64);
    snapshot.set(Map.copyOf(stored()));
  }

  /** The Spot $/h (machine plus boot disk) of {@code machineType} in {@code region}; empty when unknown. Non-blocking. */
  public Optional<VmPrice> hourlyPrice(String machineType, String region) {
    Optional<MachineShape> shape = shapes.shape(machineType);
    if (shape.isEmpty()) {
      return Optional.empty();
    }
    Rates rates = current(region);
    SeriesRates r = rates.bySeries().get(shape.get().series());
    if (r == null) {
      return Optional.empty();
    }
    MachineShape s = shape.get();
    BigDecimal perHour = r.spot(s.vcpus(), s.memoryGib()).add(diskPerGbHour.multiply(BigDecimal.valueOf(diskGb)));
    return Optional.of(new VmPrice(perHour, r.onDemand(s.vcpus(), s.memoryGib()), rates.source(), rates.fetchedAt()));
  }

  /**
   * The machine-only Spot and on-demand price of {@code machineType} in {@code region}, from the rates currently held
   * (call {@link #refreshNow} first for a catalog fetch). Throws {@link AppException} for a type GCP does not offer
   * or a series without rates in the region.
   */
  public Quote quote(String machineType, String region) {
    MachineShape s = shapes.shape(machineType)
        .orElseThrow(() -> new AppException(MachineShape.problem(machineType)));
    Rates rates = current(region);
    SeriesRates r = rates.bySeries().get(s.series());
    if (r == null) {
      throw new AppException("No " + s.series() + " prices for region '" + region + "' in the "
          + rates.source().word() + " rates (not sold there, or not in the source)");
    }
    return new Quote(machineType, region, s.vcpus(), s.memoryGib(), r.spot(s.vcpus(), s.memoryGib()),
        r.onDemand(s.vcpus(), s.memoryGib()), rates.source(), rates.fetchedAt());
  }

  /** Fetches {@code region} from the catalog now, on this thread (the CLI; never the request path). */
  public void refreshNow(String region) {
    refresh(region);
  }

  // Snapshot read; asks for a background refresh when the region is stale. Never blocks on the network.
  private Rates current(String region) {
    Instant now = clock.instant();
    Rates r = snapshot.get().get(region);
    if (catalog.isPresent() && (r == null || !now.isBefore(r.until()))) {
      requestRefresh(region);
      r = snapshot.get().get(region); // a same-thread executor has refreshed already
    }
    if (r != null) {
      return r;
    }
    return new Rates(bundled.region(region), VmPrice.Source.FALLBACK, bundled.asOfInstant(), Instant.MAX);
  }

  private void requestRefresh(String region) {
    if (!refreshing.add(region)) {
      return;
    }
    tasks.run(() -> {
      try {
        refresh(region);
      } finally {
        refreshing.remove(region);
      }
    });
  }

  private void refresh(String region) {
    if (catalog.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    try {
      Map<String, SeriesRates> live = catalog.get().rates(region);
      if (!live.isEmpty()) {
        store(region, live, now);
        swap(region, new Rates(Map.copyOf(live), VmPrice.Source.CATALOG, now, now.plus(TTL)));
        return;
      }
      LOG.warn("Cloud Billing Catalog lists no Compute Engine rates for {}; using stored or bundled prices", region);
    } catch (AppException | IllegalStateException e) {
      LOG.warn("Cloud Billing Catalog unavailable ({}); using stored or bundled prices", e.getMessage());
    }
    Rates old = snapshot.get().get(region);
    swap(region, old != null ? new Rates(old.bySeries(), old.source(), old.fetchedAt(), now.plus(RETRY))
        : new Rates(bundled.region(region), VmPrice.Source.FALLBACK, bundled.asOfInstant(), now.plus(RETRY)));
  }

  private void swap(String region, Rates rates) {
    snapshot.updateAndGet(m -> {
      Map<String, Rates> next = new HashMap<>(m);
      next.put(region, rates);
      return Map.copyOf(next);
    });
  }

  private void store(String region, Map<String, SeriesRates> rates, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO price_cache(region, series, core_per_hour,"
          + " ram_per_gib_hour, on_demand_core_per_hour, on_demand_ram_per_gib_hour, fetched_at) KEY(region, series)"
          + " VALUES (?,?,?,?,?,?,?)")) {
        for (Map.Entry<String, SeriesRates> e : rates.entrySet()) {
          ps.setString(1, region);
          ps.setString(2, e.getKey());
          ps.setBigDecimal(3, e.getValue().core());
          ps.setBigDecimal(4, e.getValue().ram());
          ps.setBigDecimal(5, e.getValue().onDemandCore().orElse(null));
          ps.setBigDecimal(6, e.getValue().onDemandRam().orElse(null));
          ps.setLong(7, at.toEpochMilli());
          ps.addBatch();
        }
        return ps.executeBatch();
      }
    });
  }

  // Every stored region, read once at start (the catalog is tried again on first use when connected).
  private Map<String, Rates> stored() {
    return db.withConnection(c -> {
      Map<String, Map<String, SeriesRates>> byRegion = new HashMap<>();
      Map<String, Long> fetched = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT region, series, core_per_hour, ram_per_gib_hour,"
          + " on_demand_core_per_hour, on_demand_ram_per_gib_hour, fetched_at FROM price_cache");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byRegion.computeIfAbsent(rs.getString(1), r -> new HashMap<>()).put(rs.getString(2), new SeriesRates(
              rs.getBigDecimal(3), rs.getBigDecimal(4), Optional.ofNullable(rs.getBigDecimal(5)),
              Optional.ofNullable(rs.getBigDecimal(6))));
          fetched.merge(rs.getString(1), rs.getLong(7), Math::max);
        }
      }
      Map<String, Rates> out = new HashMap<>();
      byRegion.forEach((region, series) -> out.put(region, new Rates(Map.copyOf(series), VmPrice.Source.CACHED,
          Instant.ofEpochMilli(fetched.get(region)), Instant.EPOCH)));
      return out;
    });
  }
}
