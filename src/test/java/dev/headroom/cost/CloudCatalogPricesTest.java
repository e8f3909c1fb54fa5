package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live catalog parser through the real CloudCatalogClient (REST) against {@link FakeCatalogServer}, paged three
 * SKUs a page, on the real SKU descriptions of every series (Spot and on-demand, each geography wording: a
 * multi-region "Americas" / "EMEA" / "APAC" SKU or a one-region "Belgium" / "Frankfurt" / "Tokyo" / "Iowa" one).
 */
class CloudCatalogPricesTest {
  private FakeCatalogServer fake;
  private CloudCatalogPrices catalog;

  /** Adds the four SKUs of a series: on-demand and Spot, core and RAM, with prices made from {@code base}. */
  private void family(String wording, List<String> regions, String geo, String base) {
    BigDecimal b = new BigDecimal(base);
    fake.sku(wording + " Core running in " + geo, "CPU", "OnDemand", regions, b.toPlainString())
        .sku(wording + " Ram running in " + geo, "RAM", "OnDemand", regions, b.movePointLeft(1).toPlainString())
        .sku("Spot Preemptible " + wording + " Core running in " + geo, "CPU", "Preemptible", regions,
            b.movePointLeft(2).toPlainString())
        .sku("Spot Preemptible " + wording + " Ram running in " + geo, "RAM", "Preemptible", regions,
            b.movePointLeft(3).toPlainString());
  }

  @BeforeEach
  void setUp() throws IOException {
    fake = new FakeCatalogServer();
    List<String> americas = List.of("us-central1", "us-east1", "us-west4");
    family("E2 Instance", americas, "Americas", "0.021811");
    family("E2 Instance", List.of("europe-west1", "europe-west4"), "EMEA", "0.023993");
    family("E2 Instance", List.of("asia-east1"), "APAC", "0.022");
    family("N1 Predefined Instance", americas, "Americas", "0.031611");
    family("N2 Instance", List.of("europe-west1"), "Belgium", "0.034773");
    family("N2D AMD Instance", List.of("europe-west3"), "Frankfurt", "0.03");
    family("N4 Instance", americas, "Americas", "0.03119");
    family("Compute optimized", List.of("europe-west1"), "Belgium", "0.0373");
    family("C2D AMD Instance", List.of("asia-northeast1"), "Tokyo", "0.0325");
    family("C3 Instance", List.of("europe-west3"), "Frankfurt", "0.04");
    family("C3D Instance", americas, "Americas", "0.029563");
    family("C4 Instance", List.of("us-west4"), "Las Vegas", "0.039");
    family("T2D AMD Instance", List.of("us-central1"), "Iowa", "0.027502");
    family("Memory-optimized Instance", americas, "Americas", "0.0348");
    family("M3 Memory-optimized Instance", List.of("asia-northeast1"), "Tokyo", "0.0402");
    family("N2 Custom Instance", americas, "Americas", "0.033");
    // Look-alikes that must not be read as the series above.
    fake.sku("Preemptible N1 Predefined Instance Core running in Americas", "N1Standard", "Preemptible", americas,
            "0.9")
        .sku("Commitment v1: N2 Cpu in Americas for 1 Year", "CPU", "Commit1Yr", americas, "0.019915")
        .sku("Spot Preemptible N2 Custom Extended Instance Ram running in Americas", "RAM", "Preemptible", americas,
            "0.5")
        .sku("Sole Tenancy Instance Core running in Americas", "CPU", "OnDemand", americas, "0.7")
        .sku("Spot Preemptible A2 Instance Core running in Americas", "CPU", "Preemptible", americas, "0.8")
        .sku("Nvidia Tesla T4 GPU running in Americas", "GPU", "OnDemand", americas, "0.35")
        .sku("N2 Instance Core running in Americas", "CPU", "Preemptible", americas, "0.6"); // wording vs usage type
    GcpSettings d = new SettingsLoader().defaults().gcp();
    GcpSettings gcp = new GcpSettings("p", d.region(), d.zones(), d.machineType(), d.imageProject(), d.imageFamily(),
        d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), d.backendPort(), d.network(), "", fake.endpoint());
    catalog = CloudCatalogPrices.connect(gcp, Duration.ofSeconds(2));
  }

  @AfterEach
  void tearDown() {
    catalog.close();
    fake.close();
  }

  private static void rates(Map<String, SeriesRates> m, String series, String base) {
    BigDecimal b = new BigDecimal(base);
    SeriesRates r = m.get(series);
    assertThat(r).as(series).isNotNull();
    assertThat(r.core()).as(series + " Spot core").isEqualByComparingTo(b.movePointLeft(2));
    assertThat(r.ram()).as(series + " Spot RAM").isEqualByComparingTo(b.movePointLeft(3));
    assertThat(r.onDemandCore()).as(series + " on-demand core")
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(b));
    assertThat(r.onDemandRam()).as(series + " on-demand RAM")
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(b.movePointLeft(1)));
  }

  @Test
  void everySeriesIsReadFromItsRealSkuWordingAcrossEveryPage() {
    Map<String, SeriesRates> usCentral = catalog.rates("us-central1");
    assertThat(usCentral).containsOnlyKeys("e2", "n1", "n4", "c3d", "t2d", "m1", "n2-custom");
    rates(usCentral, "e2", "0.021811");
    rates(usCentral, "n1", "0.031611"); // the Spot SKU wins over the older "Preemptible N1 ..." one
    rates(usCentral, "n4", "0.03119");
    rates(usCentral, "c3d", "0.029563");
    rates(usCentral, "t2d", "0.027502");
    rates(usCentral, "m1", "0.0348");
    rates(usCentral, "n2-custom", "0.033");
    int pages = (int) Math.ceil(fake.requests.get());
    assertThat(pages).isGreaterThan(20); // 3 SKUs a page: every page was read
    assertThat(fake.pageTokens).contains("3", "60");
  }

  @Test
  void regionalSkusAreReadForTheirRegionOnly() {
    Map<String, SeriesRates> belgium = catalog.rates("europe-west1");
    assertThat(belgium).containsOnlyKeys("e2", "n2", "c2");
    rates(belgium, "e2", "0.023993");
    rates(belgium, "n2", "0.034773");
    rates(belgium, "c2", "0.0373"); // "Compute optimized" is C2
    Map<String, SeriesRates> frankfurt = catalog.rates("europe-west3");
    assertThat(frankfurt).containsOnlyKeys("n2d", "c3");
    rates(frankfurt, "n2d", "0.03");
    rates(frankfurt, "c3", "0.04");
    Map<String, SeriesRates> tokyo = catalog.rates("asia-northeast1");
    assertThat(tokyo).containsOnlyKeys("c2d", "m3");
    rates(tokyo, "c2d", "0.0325");
    rates(tokyo, "m3", "0.0402");
    rates(catalog.rates("asia-east1"), "e2", "0.022");
    rates(catalog.rates("us-west4"), "c4", "0.039");
    assertThat(catalog.rates("southamerica-east1")).isEmpty();
  }
}
