package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code headroom price}: usage errors, the live catalog and its fallback, and the text and JSON answers. */
class PriceCommandsCliTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final List<String> catalogCalls = new ArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private PriceCatalog catalog(Map<String, SeriesRates> rates, RuntimeException failure) {
    return new PriceCatalog() {
      @Override
      public Map<String, SeriesRates> rates(String region) {
        catalogCalls.add("rates " + region);
        if (failure != null) {
          throw failure;
        }
        return rates;
      }

      @Override
      public void close() {
        catalogCalls.add("close");
      }
    };
  }

  private PriceCommands commands(Optional<Supplier<PriceCatalog>> catalog) {
    return new PriceCommands(RateTable.bundled(), PriceBook.load(Optional.empty()), catalog, "us-central1", clock);
  }

  private int run(PriceCommands c, String... args) {
    return c.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void noVerbAnUnknownVerbOrAMissingArgumentIsAUsageError() {
    PriceCommands c = commands(Optional.empty());

    assertThat(run(c)).isEqualTo(64);
    assertThat(err()).isEqualTo(PriceCommands.USAGE + System.lineSeparator());
    assertThat(run(c, "bogus")).isEqualTo(64);
    assertThat(err()).contains("headroom price: unknown command 'bogus'\n" + PriceCommands.USAGE);
    err.reset();
    assertThat(run(c, "vm", "--json")).isEqualTo(64);
    assertThat(run(c, "vm", "--region", "us-east1")).as("an option's value is not the type").isEqualTo(64);
    assertThat(run(c, "llm", "--input", "5", "--json")).isEqualTo(64);
    assertThat(run(c, "rebuild", "table.json")).isEqualTo(64);
    assertThat(err()).isEqualTo((PriceCommands.USAGE + System.lineSeparator()).repeat(4));
    assertThat(out()).isEmpty();
  }

  @Test
  void aTokenCountThatIsNotAWholeNumberIsAUsageError() {
    assertThat(run(commands(Optional.empty()), "llm", "gpt-4o", "--input", "1.5")).isEqualTo(64);
    assertThat(err()).startsWith("headroom price: token counts must be whole numbers (For input string: \"1.5\")")
        .contains(PriceCommands.USAGE);
  }

  @Test
  void aNegativeTokenCountIsRejectedNamingTheField() {
    assertThatThrownBy(() -> run(commands(Optional.empty()), "llm", "gpt-4o", "--output", "-5"))
        .isInstanceOf(AppException.class).hasMessage("Invalid usage event: 'outputTokens' is negative (-5)");
  }

  @Test
  void vmAsksTheLiveCatalogWhenThereIsOneAndClosesIt() throws IOException {
    SeriesRates e2 = new SeriesRates(new BigDecimal("0.01"), new BigDecimal("0.001"),
        Optional.of(new BigDecimal("0.02")), Optional.of(new BigDecimal("0.002")));
    PriceCommands c = commands(Optional.of(() -> catalog(Map.of("e2", e2), null)));

    assertThat(run(c, "vm", "e2-highmem-4", "--region", "us-east1", "--json")).isZero();

    JsonNode o = JSON.readTree(out());
    assertThat(o.path("region").asText()).isEqualTo("us-east1");
    assertThat(o.path("spotPerHour").decimalValue()).isEqualByComparingTo("0.072"); // 4 x 0.01 + 32 x 0.001
    assertThat(o.path("onDemandPerHour").decimalValue()).isEqualByComparingTo("0.144");
    assertThat(o.path("source").asText()).isEqualTo("catalog");
    assertThat(o.path("asOf").asText()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(catalogCalls).containsExactly("rates us-east1", "close");
    assertThat(err()).isEmpty();
  }

  @Test
  void withoutOnDemandRatesTheJsonSaysNullAndTheTextSaysUnknown() throws IOException {
    SeriesRates spotOnly = new SeriesRates(new BigDecimal("0.5"), new BigDecimal("0.25"));
    PriceCommands c = commands(Optional.of(() -> catalog(Map.of("n2", spotOnly), null)));

    assertThat(run(c, "vm", "n2-standard-2", "--json")).isZero();
    JsonNode o = JSON.readTree(out());
    assertThat(o.has("onDemandPerHour")).isTrue();
    assertThat(o.path("onDemandPerHour").isNull()).isTrue();
    out.reset();

    assertThat(run(c, "vm", "n2-standard-2")).isZero();
    assertThat(out()).isEqualTo("n2-standard-2 in us-central1: 2 vCPU, 8 GiB; Spot $3.00/h, on-demand unknown"
        + " (machine only, catalog prices of 2026-11-23T10:00:00Z)" + System.lineSeparator());
  }

  @Test
  void anUnavailableCatalogFallsBackToTheBundledTableAndSaysSo() throws IOException {
    PriceCommands c = commands(Optional.of(() -> catalog(Map.of(), new AppException("quota exceeded"))));

    assertThat(run(c, "vm", "e2-highmem-4", "--json")).isZero();

    JsonNode o = JSON.readTree(out());
    assertThat(o.path("source").asText()).isEqualTo("bundled");
    assertThat(o.path("asOf").asText()).isEqualTo("2026-07-22T00:00:00Z");
    assertThat(o.path("spotPerHour").decimalValue()).isEqualByComparingTo("0.108488");
    assertThat(err()).isEqualTo("headroom price: Cloud Billing Catalog unavailable (quota exceeded); using the"
        + " bundled table of 2026-07-22" + System.lineSeparator());
    assertThat(catalogCalls).containsExactly("rates us-central1", "close");
  }

  @Test
  void aCatalogWithoutTheSeriesFallsBackToTheBundledRates() throws IOException {
    PriceCommands c = commands(Optional.of(() -> catalog(Map.of(), null)));

    assertThat(run(c, "vm", "e2-highmem-4", "--json")).isZero();

    JsonNode o = JSON.readTree(out());
    assertThat(o.path("source").asText()).isEqualTo("bundled");
    assertThat(o.path("asOf").asText()).isEqualTo("2026-07-22T00:00:00Z");
  }

  @Test
  void aRegionWithoutRatesIsAnErrorNamingSeriesAndRegion() {
    assertThatThrownBy(() -> run(commands(Optional.empty()), "vm", "e2-highmem-4", "--region", "mars-north1"))
        .isInstanceOf(AppException.class).hasMessage("No e2 prices for region 'mars-north1' (not sold there, or"
            + " not in the bundled rates)");
  }

  @Test
  void anUnknownTypeIsNamedAsAMachineTypeNotASetting() {
    assertThatThrownBy(() -> run(commands(Optional.empty()), "vm", "n2d-highmem-128"))
        .isInstanceOf(AppException.class).hasMessageStartingWith("Unknown machine type: 'n2d-highmem-128'");
  }

  @Test
  void vmTextNamesTheTypeRegionShapeAndBothPrices() {
    assertThat(run(commands(Optional.empty()), "vm", "e2-highmem-4")).isZero();

    assertThat(out()).isEqualTo("e2-highmem-4 in us-central1: 4 vCPU, 32 GiB; Spot $0.108488/h, on-demand"
        + " $0.18079932/h (machine only, bundled prices of 2026-07-22T00:00:00Z)" + System.lineSeparator());
  }

  @Test
  void llmTextSaysWhatTheIdWasPricedAsOrThatItIsUnpriced() {
    PriceCommands c = commands(Optional.empty());

    assertThat(run(c, "llm", "openai/gpt-4o", "--input", "1000", "--cached", "1000", "--reasoning", "100")).isZero();
    // 1000 cached x 1.25e-6 + 100 reasoning x 1e-5
    assertThat(out()).startsWith("openai/gpt-4o (priced as gpt-4o): $0.00225");
    out.reset();
    assertThat(run(c, "llm", "mystery-9")).isZero();
    assertThat(out()).isEqualTo("mystery-9: unpriced (not in the price book)" + System.lineSeparator());
  }

  @Test
  void llmJsonOfAnUnpricedModelHasNullFields() throws IOException {
    assertThat(run(commands(Optional.empty()), "llm", "mystery-9", "--json")).isZero();

    JsonNode o = JSON.readTree(out());
    assertThat(o.path("model").asText()).isEqualTo("mystery-9");
    assertThat(o.has("resolvedAs")).isTrue();
    assertThat(o.path("resolvedAs").isNull()).isTrue();
    assertThat(o.path("cost").isNull()).isTrue();
    assertThat(o.path("unpriced").asBoolean()).isTrue();
  }
}
