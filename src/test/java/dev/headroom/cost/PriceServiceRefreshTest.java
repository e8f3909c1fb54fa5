package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.AppException;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the price snapshot is refreshed, what a failed fetch keeps, the boot disk, the store, and quotes. */
class PriceServiceRefreshTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant TABLE_DATE = Instant.parse("2026-07-22T00:00:00Z");
  private static final SeriesRates E2 = new SeriesRates(new BigDecimal("0.01"), new BigDecimal("0.001"),
      Optional.of(new BigDecimal("0.03")), Optional.of(new BigDecimal("0.003")));
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final Tasks tasks = ExecutorTasks.sameThread();
  private final List<String> calls = new ArrayList<>();
  private final AtomicReference<Supplier<Map<String, SeriesRates>>> answer =
      new AtomicReference<>(() -> Map.of("e2", E2));
  private Database db;

  private final PriceCatalog catalog = new PriceCatalog() {
    @Override
    public Map<String, SeriesRates> rates(String region) {
      calls.add(region);
      return answer.get().get();
    }

    @Override
    public void close() { }
  };

  @BeforeEach
  void open() {
    db = Database.open(dir);
  }

  @AfterEach
  void close() {
    tasks.close();
    db.close();
  }

  private PriceService live(int diskGb, String diskType) {
    return new PriceService(Optional.of(catalog), db, clock, tasks, MachineTypes.BUNDLED, diskGb, diskType);
  }

  @Test
  void theBootDiskIsAddedAtItsMonthlyRateSpreadOver730Hours() {
    PriceService s = new PriceService(Optional.empty(), db, clock, 20, "pd-balanced");

    VmPrice p = s.hourlyPrice("e2-standard-2", "us-central1").orElseThrow();

    // 2 x 0.01309 + 8 x 0.001754 (bundled Spot) + 20 GiB x 0.1 / 730
    assertThat(p.perHour()).isEqualByComparingTo("0.04295172602739726");
    assertThat(p.onDemandPerHour()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(
        "0.06701142")); // 2 x 0.02181159 + 8 x 0.00292353: machine only
    assertThat(p.source()).isEqualTo(VmPrice.Source.FALLBACK);
    assertThat(p.fetchedAt()).isEqualTo(TABLE_DATE);
    assertThat(new PriceService(Optional.empty(), db, clock, 20, "floppy").hourlyPrice("e2-standard-2",
        "us-central1").orElseThrow().perHour()).as("an unknown disk type adds nothing")
        .isEqualByComparingTo("0.040212");
  }

  @Test
  void aLiveFetchIsUsedAtOnceAndKeptForADay() {
    PriceService s = live(0, "pd-balanced");

    VmPrice p = s.hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    assertThat(p.perHour()).isEqualByComparingTo("0.072"); // 4 x 0.01 + 32 x 0.001
    assertThat(p.onDemandPerHour()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.216"));
    assertThat(p.source()).isEqualTo(VmPrice.Source.CATALOG);
    assertThat(p.fetchedAt()).isEqualTo(T0);
    assertThat(calls).containsExactly("us-central1");

    clock.set(T0.plus(PriceService.TTL).minusMillis(1));
    s.hourlyPrice("e2-highmem-4", "us-central1");
    assertThat(calls).hasSize(1);
    clock.set(T0.plus(PriceService.TTL));
    assertThat(s.hourlyPrice("e2-highmem-4", "us-central1").orElseThrow().fetchedAt()).isEqualTo(clock.instant());
    assertThat(calls).hasSize(2);
    assertThat(PriceService.TTL).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void aFailedFetchKeepsTheLastRatesAndRetriesAfterTenMinutes() {
    PriceService s = live(0, "pd-balanced");
    s.hourlyPrice("e2-highmem-4", "us-central1");
    answer.set(() -> {
      throw new AppException("catalog down");
    });
    clock.set(T0.plus(PriceService.TTL));

    VmPrice kept = s.hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    assertThat(kept.source()).isEqualTo(VmPrice.Source.CATALOG);
    assertThat(kept.fetchedAt()).isEqualTo(T0);
    assertThat(calls).hasSize(2);

    clock.advance(PriceService.RETRY.minusMillis(1));
    s.hourlyPrice("e2-highmem-4", "us-central1");
    assertThat(calls).hasSize(2);
    clock.advance(Duration.ofMillis(1));
    answer.set(() -> Map.of("e2", new SeriesRates(new BigDecimal("0.02"), new BigDecimal("0.002"))));
    VmPrice fresh = s.hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    assertThat(calls).hasSize(3);
    assertThat(fresh.perHour()).isEqualByComparingTo("0.144");
    assertThat(fresh.onDemandPerHour()).isEmpty();
    assertThat(PriceService.RETRY).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aCatalogThatListsNothingOrThrowsFallsBackToTheBundledTableUntilTheRetry() {
    answer.set(Map::of);
    PriceService s = live(0, "pd-balanced");

    VmPrice p = s.hourlyPrice("e2-standard-2", "us-central1").orElseThrow();
    assertThat(p.source()).isEqualTo(VmPrice.Source.FALLBACK);
    assertThat(p.perHour()).isEqualByComparingTo("0.040212");
    s.hourlyPrice("e2-standard-2", "us-central1");
    assertThat(calls).hasSize(1);

    answer.set(() -> {
      throw new IllegalStateException("no credentials");
    });
    clock.advance(PriceService.RETRY);
    assertThat(s.hourlyPrice("e2-standard-2", "us-central1").orElseThrow().source())
        .isEqualTo(VmPrice.Source.FALLBACK);
    assertThat(calls).hasSize(2);
  }

  @Test
  void aFetchIsStoredAndUsedAsCachedByTheNextStartWithoutACatalog() {
    live(0, "pd-balanced").hourlyPrice("e2-highmem-4", "us-central1");
    clock.advance(Duration.ofHours(1));

    PriceService offline = new PriceService(Optional.empty(), db, clock, 0, "pd-balanced");
    VmPrice p = offline.hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();

    assertThat(p.source()).isEqualTo(VmPrice.Source.CACHED);
    assertThat(p.fetchedAt()).isEqualTo(T0);
    assertThat(p.perHour()).isEqualByComparingTo("0.072");
    assertThat(p.onDemandPerHour()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.216"));
    assertThat(offline.hourlyPrice("e2-highmem-4", "europe-west1").orElseThrow().source())
        .isEqualTo(VmPrice.Source.FALLBACK);
  }

  @Test
  void storedRatesAreStaleAtStartSoALiveServiceFetchesAgain() {
    live(0, "pd-balanced").hourlyPrice("e2-highmem-4", "us-central1");
    calls.clear();

    VmPrice p = live(0, "pd-balanced").hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();

    assertThat(calls).containsExactly("us-central1");
    assertThat(p.source()).isEqualTo(VmPrice.Source.CATALOG);
  }

  @Test
  void refreshNowFetchesEvenWhenTheRatesAreFresh() {
    PriceService s = live(0, "pd-balanced");
    s.hourlyPrice("e2-highmem-4", "us-central1");

    s.refreshNow("us-central1");

    assertThat(calls).hasSize(2);
    new PriceService(Optional.empty(), db, clock, 0, "pd-balanced").refreshNow("us-central1"); // no catalog: no-op
    assertThat(calls).hasSize(2);
  }

  @Test
  void aSeriesTheRegionDoesNotSellHasNoPriceAndNoQuote() {
    PriceService s = live(0, "pd-balanced");

    assertThat(s.hourlyPrice("n2-standard-2", "us-central1")).isEmpty();
    assertThatThrownBy(() -> s.quote("n2-standard-2", "us-central1")).isInstanceOf(AppException.class)
        .hasMessage("No n2 prices for region 'us-central1' in the catalog rates (not sold there, or not in the"
            + " source)");
    assertThatThrownBy(() -> s.quote("x9-mega-1", "us-central1")).isInstanceOf(AppException.class)
        .hasMessageStartingWith("Invalid setting gcp.machineType: 'x9-mega-1'");
    assertThat(s.hourlyPrice("x9-mega-1", "us-central1")).isEmpty();
  }

  @Test
  void aQuoteIsTheMachineAloneWithItsSourceAndDate() {
    PriceService.Quote q = live(50, "pd-ssd").quote("e2-highmem-4", "us-central1");

    assertThat(q.type()).isEqualTo("e2-highmem-4");
    assertThat(q.region()).isEqualTo("us-central1");
    assertThat(q.vcpus()).isEqualByComparingTo("4");
    assertThat(q.memoryGib()).isEqualByComparingTo("32");
    assertThat(q.spotPerHour()).isEqualByComparingTo("0.072");
    assertThat(q.onDemandPerHour()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.216"));
    assertThat(q.source()).isEqualTo(VmPrice.Source.CATALOG);
    assertThat(q.asOf()).isEqualTo(T0);
  }
}
