package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.MutableClock;
import dev.headroom.store.Database;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real CloudCatalogClient (REST) against a fake Catalog server; H2 on a temp dir. */
class PriceServiceTest {
  private static final String CORE = "0.006543";
  private static final String RAM = "0.000877";
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private FakeCatalogServer fake;
  private Database db;

  @BeforeEach
  void setUp() throws IOException {
    fake = new FakeCatalogServer()
        .sku("E2 Instance Core running in Americas", "CPU", "OnDemand", "us-central1", "0.021811")
        .sku("Spot Preemptible E2 Instance Core running in Americas", "CPU", "Preemptible", "us-central1", CORE)
        .sku("Spot Preemptible E2 Instance Ram running in Americas", "RAM", "Preemptible", "us-central1", RAM)
        .sku("Spot Preemptible E2 Instance Core running in EMEA", "CPU", "Preemptible", "europe-west1", "0.5")
        .sku("E2 Instance Ram running in Americas", "RAM", "OnDemand", "us-central1", "0.002923")
        .sku("Spot Preemptible N2 Instance Core running in Americas", "CPU", "Preemptible", "us-central1", "0.00765")
        .sku("Spot Preemptible N2 Instance Ram running in Americas", "RAM", "Preemptible", "us-central1", "0.001025");
    db = Database.open(dir);
  }

  @AfterEach
  void tearDown() {
    fake.close();
    db.close();
  }

  private PriceService service(String endpoint) {
    GcpSettings d = new SettingsLoader().defaults().gcp();
    GcpSettings gcp = new GcpSettings("p", d.region(), d.zones(), d.machineType(), d.imageProject(), d.imageFamily(),
        d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), d.backendPort(), d.network(), "", endpoint);
    return new PriceService(Optional.of(CloudCatalogPrices.connect(gcp, Duration.ofSeconds(2))), db, clock, 0,
        "pd-balanced");
  }

  @Test
  void highmemFourIsFourCoresAndThirtyTwoGibOfTheServedSpotSkus() {
    VmPrice p = service(fake.endpoint()).hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    BigDecimal expected = new BigDecimal(CORE).multiply(BigDecimal.valueOf(4))
        .add(new BigDecimal(RAM).multiply(BigDecimal.valueOf(32)));
    assertThat(p.perHour()).isEqualByComparingTo(expected);
    assertThat(p.source()).isEqualTo(VmPrice.Source.CATALOG);
    assertThat(fake.pageTokens).contains("3", "6"); // every page was read
  }

  @Test
  void sharedCoreShapeBillsAFractionOfAVcpu() {
    VmPrice p = service(fake.endpoint()).hourlyPrice("e2-small", "us-central1").orElseThrow();
    assertThat(p.perHour()).isEqualByComparingTo(new BigDecimal(CORE).multiply(new BigDecimal("0.5"))
        .add(new BigDecimal(RAM).multiply(BigDecimal.valueOf(2))));
  }

  @Test
  void otherSeriesUseTheirOwnSkus() {
    VmPrice p = service(fake.endpoint()).hourlyPrice("n2-standard-8", "us-central1").orElseThrow();
    assertThat(p.perHour()).isEqualByComparingTo(new BigDecimal("0.00765").multiply(BigDecimal.valueOf(8))
        .add(new BigDecimal("0.001025").multiply(BigDecimal.valueOf(32))));
  }

  @Test
  void pricesAreMemoizedForTheTtl() {
    PriceService s = service(fake.endpoint());
    s.hourlyPrice("e2-highmem-4", "us-central1");
    int after = fake.requests.get();
    clock.advance(Duration.ofHours(23));
    s.hourlyPrice("e2-standard-2", "us-central1");
    assertThat(fake.requests.get()).isEqualTo(after);
    clock.advance(Duration.ofHours(1));
    s.hourlyPrice("e2-standard-2", "us-central1");
    assertThat(fake.requests.get()).isGreaterThan(after);
  }

  @Test
  void unreachableCatalogFallsBackToTheBundledTableAndSaysSo() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    VmPrice p = service("http://127.0.0.1:" + closed).hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    assertThat(p.source()).isEqualTo(VmPrice.Source.FALLBACK);
    assertThat(p.perHour()).isPositive();
  }

  @Test
  void aStoredFetchIsUsedWhenTheCatalogIsDownLater() throws IOException {
    service(fake.endpoint()).hourlyPrice("e2-highmem-4", "us-central1");
    fake.close();
    VmPrice p = service(fake.endpoint()).hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    assertThat(p.source()).isEqualTo(VmPrice.Source.CACHED);
    assertThat(p.fetchedAt()).isEqualTo(clock.instant());
  }

  @Test
  void skuParsingKeepsSpotAndOnDemandRatesOfTheRegion() {
    var rates = CloudCatalogPrices.parseRates(List.of(
        new CloudCatalogPrices.SkuLine("Spot Preemptible C3 Instance Core running in Americas", "CPU", "Preemptible",
            List.of("us-central1", "us-east1"), new BigDecimal("0.1")),
        new CloudCatalogPrices.SkuLine("Spot Preemptible C3 Instance Ram running in Americas", "RAM", "Preemptible",
            List.of("us-central1"), new BigDecimal("0.01")),
        new CloudCatalogPrices.SkuLine("C3 Instance Core running in Americas", "CPU", "OnDemand",
            List.of("us-central1"), new BigDecimal("9")),
        new CloudCatalogPrices.SkuLine("C3 Instance Ram running in Americas", "RAM", "OnDemand",
            List.of("us-central1"), new BigDecimal("0.9"))), "us-central1");
    assertThat(rates).containsOnlyKeys("c3");
    assertThat(rates.get("c3").core()).isEqualByComparingTo("0.1");
    assertThat(rates.get("c3").onDemandCore()).contains(new BigDecimal("9"));
    assertThat(rates.get("c3").onDemandRam()).contains(new BigDecimal("0.9"));
  }

  @Test
  void aReadNeverWaitsForTheCatalogTheRefreshRunsInTheBackground() {
    java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();
    dev.headroom.core.Tasks later = new dev.headroom.core.Tasks() {
      @Override
      public <T> java.util.concurrent.CompletableFuture<T> submit(java.util.concurrent.Callable<T> work) {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        queued.add(() -> {
          try {
            f.complete(work.call());
          } catch (Exception e) {
            f.completeExceptionally(e);
          }
        });
        return f;
      }

      @Override
      public Handle every(Duration period, Runnable work) {
        return () -> { };
      }

      @Override
      public Handle after(Duration delay, Runnable work) {
        return () -> { };
      }

      @Override
      public void close() { }
    };
    GcpSettings d = new SettingsLoader().defaults().gcp();
    GcpSettings gcp = new GcpSettings("p", d.region(), d.zones(), d.machineType(), d.imageProject(), d.imageFamily(),
        d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), d.backendPort(), d.network(), "", fake.endpoint());
    PriceService s = new PriceService(Optional.of(CloudCatalogPrices.connect(gcp, Duration.ofSeconds(2))), db, clock,
        later, MachineTypes.BUNDLED, 0, "pd-balanced");

    VmPrice first = s.hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    assertThat(first.source()).isEqualTo(VmPrice.Source.FALLBACK); // answered from the bundled table at once
    assertThat(fake.requests.get()).isZero();
    s.hourlyPrice("e2-highmem-4", "us-central1");
    assertThat(queued).hasSize(1); // one refresh in flight per region, not one per read

    queued.poll().run();
    VmPrice fresh = s.hourlyPrice("e2-highmem-4", "us-central1").orElseThrow();
    assertThat(fresh.source()).isEqualTo(VmPrice.Source.CATALOG);
    assertThat(fresh.onDemandPerHour()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(
        new BigDecimal("0.021811").multiply(BigDecimal.valueOf(4)).add(new BigDecimal("0.002923").multiply(
            BigDecimal.valueOf(32)))));
    assertThat(queued).isEmpty();
  }

  @Test
  void unknownShapeHasNoPrice() {
    assertThat(service(fake.endpoint()).hourlyPrice("a2-highgpu-1g", "us-central1")).isEmpty();
  }
}
