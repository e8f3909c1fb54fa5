package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Machine shapes (table, custom grammar, errors), series rates, the rate table's parser and price sources. */
class MachineShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Test
  void predefinedShapesComeFromTheTableWhateverTheCase() {
    assertThat(MachineShape.of(" E2-HighMem-4 ")).contains(new MachineShape("e2", new BigDecimal("4"),
        new BigDecimal("32")));
    assertThat(MachineShape.of("e2-micro")).hasValueSatisfying(s -> {
      assertThat(s.series()).isEqualTo("e2");
      assertThat(s.vcpus()).isEqualByComparingTo("0.25");
    });
  }

  @Test
  void customShapesAreVcpusAndMibOfTheirSeriesCustomRates() {
    assertThat(MachineShape.of("custom-4-8192")).contains(new MachineShape("n1-custom", new BigDecimal("4"),
        new BigDecimal("8")));
    assertThat(MachineShape.of("n2-custom-8-32768")).hasValueSatisfying(s -> {
      assertThat(s.series()).isEqualTo("n2-custom");
      assertThat(s.memoryGib()).isEqualByComparingTo("32");
    });
    assertThat(MachineShape.of("e2-custom-2-1536").orElseThrow().memoryGib()).isEqualTo(new BigDecimal("1.5"));
    assertThat(MachineShape.of("custom-1-1000").orElseThrow().memoryGib()).isEqualTo(new BigDecimal("0.976563"));
    assertThat(MachineShape.of("custom-2-13312-ext")).as("extended memory cannot be priced").isEmpty();
    assertThat(MachineShape.of("n2d-highmem-128")).isEmpty();
  }

  @Test
  void requireExplainsWhyATypeIsUnknown() {
    assertThat(MachineShape.require("n2-standard-2").vcpus()).isEqualByComparingTo("2");
    assertThatThrownBy(() -> MachineShape.require("custom-2-13312-ext")).isInstanceOf(AppException.class)
        .hasMessage("Invalid setting gcp.machineType: 'custom-2-13312-ext' uses extended memory, which Headroom"
            + " cannot price");
    assertThatThrownBy(() -> MachineShape.require("n2d-highmem-128"))
        .hasMessage("Invalid setting gcp.machineType: 'n2d-highmem-128' is not a Compute Engine machine type"
            + " Headroom knows (no such predefined n2d shape); use a predefined type such as e2-highmem-4, or"
            + " custom-VCPUS-MIB");
    assertThatThrownBy(() -> MachineShape.require("banana"))
        .hasMessage("Invalid setting gcp.machineType: 'banana' is not a Compute Engine machine type Headroom knows;"
            + " use a predefined type such as e2-highmem-4, or custom-VCPUS-MIB");
  }

  @Test
  void theSeriesOfANameIsItsFirstSegmentOrItsCustomSeries() {
    assertThat(MachineShape.seriesOf("N2-Standard-4")).isEqualTo("n2");
    assertThat(MachineShape.seriesOf("custom-4-8192")).isEqualTo("n1-custom");
    assertThat(MachineShape.seriesOf("n4-custom-4-8192")).isEqualTo("n4-custom");
    assertThat(MachineShape.seriesOf(" weird ")).isEqualTo("weird");
  }

  @Test
  void seriesRatesPriceVcpusAndGibAndNeedBothOnDemandRates() {
    SeriesRates r = new SeriesRates(new BigDecimal("0.5"), new BigDecimal("0.25"), Optional.of(new BigDecimal("2")),
        Optional.of(new BigDecimal("1")));
    assertThat(r.spot(new BigDecimal("3"), new BigDecimal("4"))).isEqualByComparingTo("2.5");
    assertThat(r.onDemand(new BigDecimal("3"), new BigDecimal("4"))).hasValueSatisfying(v ->
        assertThat(v).isEqualByComparingTo("10"));
    assertThat(new SeriesRates(BigDecimal.ONE, BigDecimal.ONE, Optional.of(BigDecimal.ONE), Optional.empty())
        .onDemand(BigDecimal.ONE, BigDecimal.ONE)).isEmpty();
    assertThat(new SeriesRates(BigDecimal.ONE, BigDecimal.ONE, Optional.empty(), Optional.of(BigDecimal.ONE))
        .onDemand(BigDecimal.ONE, BigDecimal.ONE)).isEmpty();
    assertThatThrownBy(() -> new SeriesRates(null, BigDecimal.ONE)).hasMessage("core");
    assertThatThrownBy(() -> new SeriesRates(BigDecimal.ONE, null)).hasMessage("ram");
    assertThatThrownBy(() -> new SeriesRates(BigDecimal.ONE, BigDecimal.ONE, null, Optional.empty()))
        .hasMessage("onDemandCore");
    assertThatThrownBy(() -> new SeriesRates(BigDecimal.ONE, BigDecimal.ONE, Optional.empty(), null))
        .hasMessage("onDemandRam");
  }

  @Test
  void aRateTableReadsRegionsOnDemandRatesAndNumericDiskPricesOnly() throws IOException {
    RateTable t = RateTable.parse(JSON.readTree("{\"source\": \"test\", \"asOf\": \"2026-02-03\", \"regions\": {"
        + "\"r1\": {\"e2\": {\"spotCore\": 0.1, \"spotRam\": 0.01, \"core\": 0.3, \"ram\": null}}},"
        + " \"diskPerGbMonth\": {\"_note\": \"text\", \"pd-ssd\": 0.17}}"));

    assertThat(t.source()).isEqualTo("test");
    assertThat(t.asOf()).isEqualTo(LocalDate.parse("2026-02-03"));
    assertThat(t.asOfInstant()).isEqualTo(Instant.parse("2026-02-03T00:00:00Z"));
    SeriesRates e2 = t.region("r1").get("e2");
    assertThat(e2.core()).isEqualByComparingTo("0.1");
    assertThat(e2.ram()).isEqualByComparingTo("0.01");
    assertThat(e2.onDemandCore()).contains(new BigDecimal("0.3"));
    assertThat(e2.onDemandRam()).isEmpty();
    assertThat(t.region("r2")).isEmpty();
    assertThat(t.diskPerGbMonth()).containsOnlyKeys("pd-ssd");

    RateTable bare = RateTable.parse(JSON.readTree("{}"));
    assertThat(bare.source()).isEmpty();
    assertThat(bare.asOf()).isEqualTo(LocalDate.parse("1970-01-01"));
    assertThat(bare.regions()).isEmpty();
  }

  @Test
  void theCliWordOfEachSource() {
    assertThat(VmPrice.Source.CATALOG.word()).isEqualTo("catalog");
    assertThat(VmPrice.Source.CACHED.word()).isEqualTo("cached");
    assertThat(VmPrice.Source.FALLBACK.word()).isEqualTo("bundled");
  }
}
