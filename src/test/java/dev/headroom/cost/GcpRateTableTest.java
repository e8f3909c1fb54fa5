package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.AppException;
import dev.headroom.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled rate table against its source: the hour / hour_spot figures of Cyclenerd pricing.yml (commit
 * 08440e74c5f5f7dc4ba9a10d0d02f195df568173, generated 2026-07-22), transcribed per shape into
 * {@code src/test/resources/prices/cyclenerd-2026-07-22/*.txt} ("region hour hour_spot", NA when the source has no
 * on-demand figure).
 */
class GcpRateTableTest {
  private static final String FIXTURES = "/prices/cyclenerd-2026-07-22/";
  private static final RateTable TABLE = RateTable.bundled();
  /** The two shapes each series' rates were solved from; c2 and t2d sell only 4 GiB/vCPU shapes. */
  private static final Map<String, List<String>> SOLVED_FROM = Map.ofEntries(
      Map.entry("e2", List.of("e2-standard-8", "e2-highmem-4")),
      Map.entry("n1", List.of("n1-highcpu-96", "n1-highmem-16")),
      Map.entry("n2", List.of("n2-highcpu-8", "n2-highmem-128")),
      Map.entry("n2d", List.of("n2d-highcpu-16", "n2d-highmem-2")),
      Map.entry("n4", List.of("n4-highcpu-48", "n4-highmem-2")),
      Map.entry("c2d", List.of("c2d-standard-112", "c2d-highmem-8")),
      Map.entry("c3", List.of("c3-standard-22", "c3-highmem-88")),
      Map.entry("c3d", List.of("c3d-highcpu-90", "c3d-highmem-16")),
      Map.entry("c4", List.of("c4-standard-16", "c4-highmem-96")),
      Map.entry("m1", List.of("m1-megamem-96", "m1-ultramem-160")),
      Map.entry("m3", List.of("m3-megamem-64", "m3-ultramem-64")),
      Map.entry("c2", List.of("c2-standard-30")),
      Map.entry("t2d", List.of("t2d-standard-4")));
  /** Shapes read from the source only to check the table (not used to make it). */
  private static final List<String> CHECKS = List.of("n2-highmem-16", "n2-standard-80", "n2-standard-8",
      "c3-standard-4");

  @TempDir Path dir;
  private Database db;
  private PriceService prices;

  /** One transcribed shape: vCPUs, GiB, and per region {on-demand or null, spot}. */
  private record Sourced(BigDecimal vcpus, BigDecimal gib, Map<String, BigDecimal[]> byRegion) {}

  @BeforeEach
  void setUp() {
    db = Database.open(dir);
    prices = new PriceService(Optional.empty(), db, Clock.systemUTC(), 0, "pd-balanced");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private static Sourced load(String shape) throws IOException {
    try (InputStream in = GcpRateTableTest.class.getResourceAsStream(FIXTURES + shape + ".txt")) {
      assertThat(in).as(shape).isNotNull();
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      String[] head = lines[0].split("\\s+"); // "# cpu N ram M ..."
      Map<String, BigDecimal[]> byRegion = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        String[] p = lines[i].trim().split("\\s+");
        if (p.length == 3) {
          byRegion.put(p[0], new BigDecimal[] {p[1].equals("NA") ? null : new BigDecimal(p[1]), new BigDecimal(p[2])});
        }
      }
      return new Sourced(new BigDecimal(head[2]), new BigDecimal(head[4]), byRegion);
    }
  }

  @Test
  void theTableSaysWhereAndWhenItsFiguresComeFrom() {
    assertThat(TABLE.asOf()).isEqualTo(LocalDate.parse("2026-07-22"));
    assertThat(TABLE.source()).contains("Cyclenerd/google-cloud-pricing-cost-calculator")
        .contains("08440e74c5f5f7dc4ba9a10d0d02f195df568173");
  }

  @Test
  void everySeriesHeadroomOffersHasSpotRatesInUsCentral1AndEuropeWest1() {
    for (String region : List.of("us-central1", "europe-west1")) {
      assertThat(TABLE.region(region)).containsKeys("e2", "n1", "n2", "n2d", "n4", "c2", "c2d", "c3", "c3d", "c4",
          "t2d", "m1", "m3");
    }
  }

  @Test
  void everySourcedShapeFigureIsReproducedByTheTableInEveryRegion() throws IOException {
    int checked = 0;
    List<String> shapes = new ArrayList<>(CHECKS);
    SOLVED_FROM.values().forEach(shapes::addAll);
    for (String shape : shapes) {
      Sourced src = load(shape);
      MachineShape s = MachineShape.of(shape).orElseThrow();
      assertThat(s.vcpus()).as(shape + " vCPUs").isEqualByComparingTo(src.vcpus());
      assertThat(s.memoryGib()).as(shape + " GiB").isEqualByComparingTo(src.gib());
      for (Map.Entry<String, BigDecimal[]> e : src.byRegion().entrySet()) {
        SeriesRates r = TABLE.region(e.getKey()).get(s.series());
        if (r == null) {
          continue; // the other shape of the pair has no figure there: listed under "missing"
        }
        assertThat(r.spot(s.vcpus(), s.memoryGib())).as(shape + " Spot in " + e.getKey())
            .isEqualByComparingTo(e.getValue()[1]);
        if (e.getValue()[0] != null) {
          assertThat(r.onDemand(s.vcpus(), s.memoryGib())).as(shape + " on-demand in " + e.getKey())
              .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(e.getValue()[0]));
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(900);
  }

  @Test
  void everyRateIsTheExactSolutionOfItsTwoSourcedShapes() throws IOException {
    for (Map.Entry<String, List<String>> e : SOLVED_FROM.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      Sourced a = load(e.getValue().get(0));
      Sourced b = load(e.getValue().get(1));
      BigDecimal det = a.vcpus().multiply(b.gib()).subtract(b.vcpus().multiply(a.gib()));
      for (String region : a.byRegion().keySet()) {
        if (!b.byRegion().containsKey(region)) {
          continue;
        }
        BigDecimal spotA = a.byRegion().get(region)[1];
        BigDecimal spotB = b.byRegion().get(region)[1];
        BigDecimal core = spotA.multiply(b.gib()).subtract(spotB.multiply(a.gib())).divide(det, MathContext.DECIMAL128);
        SeriesRates r = TABLE.region(region).get(e.getKey());
        assertThat(r).as(e.getKey() + " in " + region).isNotNull();
        assertThat(r.core()).as(e.getKey() + " Spot core in " + region).isEqualByComparingTo(core);
      }
    }
  }

  @Test
  void pinnedShapesMatchTheSourcedFigures() {
    // Spot $/h straight from pricing.yml (hour_spot), machine only.
    pin("e2-highmem-4", "us-central1", "0.108488", "0.18079932");
    pin("e2-highmem-4", "europe-west1", "0.096336", "0.19888836");
    pin("t2d-standard-4", "us-central1", "0.06304", "0.168984");
    pin("t2d-standard-4", "europe-west1", "0.055608", "0.185892");
    pin("c3-standard-4", "us-central1", "0.0494", "0.201608");
    // c3-standard-4 in europe-west1: 4/22 of the sourced c3-standard-22 figure (0.466268, 1.22094808); prices are
    // linear in the shape, and the us-central1 line above shows c3-standard-4 = 4/22 x c3-standard-22 there too.
    pin("c3-standard-4", "europe-west1", "0.084776", "0.22199056");
    pin("n2-standard-8", "us-central1", "0.18424", "0.388472");
    pin("n2-standard-8", "europe-west1", "0.093776", "0.427336");
  }

  private void pin(String type, String region, String spot, String onDemand) {
    PriceService.Quote q = prices.quote(type, region);
    assertThat(q.spotPerHour()).as(type + " Spot in " + region).isEqualByComparingTo(spot);
    assertThat(q.onDemandPerHour()).as(type + " on-demand in " + region)
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(onDemand));
    assertThat(q.source()).isEqualTo(VmPrice.Source.FALLBACK);
    assertThat(q.asOf()).isEqualTo(TABLE.asOfInstant());
  }

  @Test
  void n2Highmem128Has864Gib() {
    MachineShape s = MachineShape.of("n2-highmem-128").orElseThrow();
    assertThat(s.vcpus()).isEqualByComparingTo("128");
    assertThat(s.memoryGib()).isEqualByComparingTo("864");
    assertThat(prices.quote("n2-highmem-128", "us-central1").spotPerHour()).isEqualByComparingTo("3.65536");
  }

  @Test
  void aShapeGcpDoesNotSellIsAConfigErrorNamingTheField() {
    assertThat(MachineShape.of("n2d-highmem-128")).isEmpty();
    assertThatThrownBy(() -> MachineShape.require("n2d-highmem-128")).isInstanceOf(AppException.class)
        .hasMessageContaining("gcp.machineType").hasMessageContaining("n2d-highmem-128");
    assertThatThrownBy(() -> prices.quote("t2d-highmem-4", "us-central1")).isInstanceOf(AppException.class)
        .hasMessageContaining("gcp.machineType");
  }

  @Test
  void customAndSharedCoreShapesAreHandled() {
    assertThat(MachineShape.of("custom-4-8192")).contains(new MachineShape("n1-custom", new BigDecimal("4"),
        new BigDecimal("8")));
    MachineShape n2 = MachineShape.of("n2-custom-8-49152").orElseThrow();
    assertThat(n2.series()).isEqualTo("n2-custom");
    assertThat(n2.memoryGib()).isEqualByComparingTo("48");
    assertThat(MachineShape.of("e2-micro").orElseThrow().vcpus()).isEqualByComparingTo("0.25");
    assertThat(MachineShape.of("e2-medium").orElseThrow().vcpus()).isEqualByComparingTo("1");
    assertThatThrownBy(() -> MachineShape.require("n2-custom-8-49152-ext")).hasMessageContaining("extended memory");
    // the bundled table has no custom SKUs: a custom shape has no price offline rather than a predefined one
    assertThat(prices.hourlyPrice("n2-custom-8-49152", "us-central1")).isEmpty();
  }
}
