package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code headroom price vm|llm|rebuild}, offline from the bundled data. */
class PriceCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
  private final PriceCommands commands = new PriceCommands(RateTable.bundled(), PriceBook.load(Optional.empty()),
      Optional.empty(), "us-central1", clock);
  @TempDir Path dir;

  private JsonNode run(String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = commands.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void vmPrintsTheMachineOnlySpotAndOnDemandPriceFromTheBundledTable() throws IOException {
    JsonNode o = run("vm", "e2-highmem-4", "--json");
    assertThat(o.path("type").asText()).isEqualTo("e2-highmem-4");
    assertThat(o.path("region").asText()).isEqualTo("us-central1");
    assertThat(o.path("vcpus").decimalValue()).isEqualByComparingTo("4");
    assertThat(o.path("memoryGib").decimalValue()).isEqualByComparingTo("32");
    assertThat(o.path("spotPerHour").decimalValue()).isEqualByComparingTo("0.108488");
    assertThat(o.path("onDemandPerHour").decimalValue()).isEqualByComparingTo("0.18079932");
    assertThat(o.path("source").asText()).isEqualTo("bundled");
    assertThat(o.path("asOf").asText()).isEqualTo("2026-07-22T00:00:00Z");
    JsonNode eu = run("vm", "t2d-standard-4", "--region", "europe-west1", "--json");
    assertThat(eu.path("spotPerHour").decimalValue()).isEqualByComparingTo("0.055608");
  }

  @Test
  void vmRejectsATypeGcpDoesNotSell() {
    assertThatThrownBy(() -> run("vm", "n2d-highmem-128", "--json")).isInstanceOf(AppException.class)
        .hasMessageContaining("n2d-highmem-128");
  }

  @Test
  void llmPricesAnyIdFormAndSaysWhatItResolvedTo() throws IOException {
    JsonNode o = run("llm", "vertex_ai/claude-sonnet-4-5@20250929", "--input", "250000", "--output", "2000",
        "--json");
    assertThat(o.path("resolvedAs").asText()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(o.path("cost").decimalValue()).isEqualByComparingTo("1.545");
    assertThat(o.path("unpriced").asBoolean()).isFalse();
    JsonNode w = run("llm", "claude-sonnet-4-5", "--input", "12000", "--cached", "2000", "--cache-write", "8000",
        "--cache-write-1h", "3000", "--output", "500", "--json");
    assertThat(w.path("cost").decimalValue()).isEqualByComparingTo("0.05085");
    JsonNode none = run("llm", "mystery-9", "--input", "5", "--json");
    assertThat(none.path("unpriced").asBoolean()).isTrue();
    assertThat(none.path("cost").isNull()).isTrue();
  }

  @Test
  void rebuildWritesTheTableFromASavedSkuListingWithTheAppsParser() throws IOException, URISyntaxException {
    Path out = dir.resolve("rates.json");
    Path p1 = Path.of(getClass().getResource("/prices/catalog-listing/skus-1.json").toURI());
    Path p2 = Path.of(getClass().getResource("/prices/catalog-listing/skus-2.json").toURI());
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    assertThat(commands.run(List.of("rebuild", out.toString(), p1.toString(), p2.toString()), ps, ps)).isZero();
    RateTable t = RateTable.parse(JSON.readTree(Files.readString(out)));
    assertThat(t.asOf()).hasToString("2026-11-23");
    assertThat(t.source()).contains("8 SKUs in 2 page(s)");
    SeriesRates e2 = t.region("us-east1").get("e2");
    assertThat(e2.core()).isEqualByComparingTo("0.01309");
    assertThat(e2.ram()).isEqualByComparingTo("0.001754");
    assertThat(e2.onDemandCore()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.02181159"));
    SeriesRates c2 = t.region("europe-west1").get("c2");
    assertThat(c2.core()).isEqualByComparingTo("0.029726");
    assertThat(c2.onDemandCore()).isEmpty();
    assertThat(t.diskPerGbMonth()).containsKey("pd-balanced");
  }

  @Test
  void aListingWithoutComputeSkusLeavesTheTableUntouched() throws IOException {
    Path out = dir.resolve("rates.json");
    Files.writeString(out, "{\"keep\":true}");
    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "{\"skus\":[]}");
    assertThatThrownBy(() -> RateTableBuilder.rebuild(out, List.of(empty), clock)).isInstanceOf(AppException.class)
        .hasMessageContaining("left unchanged");
    assertThat(Files.readString(out)).isEqualTo("{\"keep\":true}");
  }
}
