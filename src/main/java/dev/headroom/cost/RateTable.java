package dev.headroom.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The bundled, dated Spot and on-demand rate table ({@code gcp-prices-fallback.json}): per region and series the
 * core and RAM rates, with the file's source, date and method. Used when the Cloud Billing Catalog cannot be read.
 *
 * @param source where the figures come from (file, commit)
 * @param asOf the date the source was generated
 * @param regions region -> series -> rates
 * @param diskPerGbMonth boot disk $ per GiB-month by disk type
 */
public record RateTable(String source, LocalDate asOf, Map<String, Map<String, SeriesRates>> regions,
    Map<String, BigDecimal> diskPerGbMonth) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The table bundled with the app. */
  public static RateTable bundled() {
    try (InputStream in = RateTable.class.getResourceAsStream("/gcp-prices-fallback.json")) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource /gcp-prices-fallback.json");
      }
      return parse(JSON.readTree(in));
    } catch (IOException e) {
      throw new IllegalStateException("Bundled GCP price table unreadable", e);
    }
  }

  static RateTable parse(JsonNode root) {
    Map<String, Map<String, SeriesRates>> regions = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> rit = root.path("regions").fields();
    while (rit.hasNext()) {
      Map.Entry<String, JsonNode> r = rit.next();
      Map<String, SeriesRates> bySeries = new HashMap<>();
      Iterator<Map.Entry<String, JsonNode>> sit = r.getValue().fields();
      while (sit.hasNext()) {
        Map.Entry<String, JsonNode> s = sit.next();
        JsonNode n = s.getValue();
        bySeries.put(s.getKey(), new SeriesRates(n.path("spotCore").decimalValue(), n.path("spotRam").decimalValue(),
            decimal(n, "core"), decimal(n, "ram")));
      }
      regions.put(r.getKey(), Map.copyOf(bySeries));
    }
    Map<String, BigDecimal> disk = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> dit = root.path("diskPerGbMonth").fields();
    while (dit.hasNext()) {
      Map.Entry<String, JsonNode> d = dit.next();
      if (d.getValue().isNumber()) {
        disk.put(d.getKey(), d.getValue().decimalValue());
      }
    }
    return new RateTable(root.path("source").asText(""), LocalDate.parse(root.path("asOf").asText("1970-01-01")),
        Map.copyOf(regions), Map.copyOf(disk));
  }

  private static Optional<BigDecimal> decimal(JsonNode n, String field) {
    return n.hasNonNull(field) ? Optional.of(n.get(field).decimalValue()) : Optional.empty();
  }

  /** The rates of {@code region}, empty map when the table has none. */
  public Map<String, SeriesRates> region(String region) {
    return regions.getOrDefault(region, Map.of());
  }

  /** The table's date as an instant (midnight UTC). */
  public Instant asOfInstant() {
    return asOf.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
