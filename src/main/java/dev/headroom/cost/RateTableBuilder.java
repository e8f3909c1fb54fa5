package dev.headroom.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds the bundled rate table from a saved Cloud Billing Catalog SKU listing (the JSON pages of
 * {@code GET /v1/services/6F81-5844-456A/skus}) with the parser the app uses ({@link CloudCatalogPrices}), so a
 * maintainer with credentials refreshes {@code resources/gcp-prices-fallback.json} in one step:
 * {@code headroom price rebuild resources/gcp-prices-fallback.json skus-1.json skus-2.json ...}.
 */
public final class RateTableBuilder {
  /** The series the table carries (custom SKUs are read live only). */
  static final Set<String> SERIES = Set.of("e2", "n1", "n2", "n2d", "n4", "c2", "c2d", "c3", "c3d", "c4", "t2d",
      "m1", "m3");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private RateTableBuilder() {}

  /**
   * Parses {@code pages}, writes the table to {@code out} (atomically, keeping the disk prices of the file it
   * replaces) and returns the number of (region, series) entries. Fails without touching {@code out} when the
   * listing has no Compute Engine core/RAM SKUs.
   */
  public static int rebuild(Path out, List<Path> pages, Clock clock) {
    List<CloudCatalogPrices.SkuLine> lines = new ArrayList<>();
    for (Path p : pages) {
      try {
        lines.addAll(CloudCatalogPrices.parseListingPage(JSON.readTree(p.toFile())));
      } catch (IOException e) {
        throw new AppException("Cannot read the SKU listing page " + p + ": " + e.getMessage(), e);
      }
    }
    Map<String, Map<String, SeriesRates>> all = CloudCatalogPrices.parseAllRegions(lines);
    ObjectNode root = JSON.createObjectNode();
    LocalDate today = LocalDate.now(clock);
    root.put("source", "Cloud Billing Catalog SKU listing of service 6F81-5844-456A (" + lines.size() + " SKUs in "
        + pages.size() + " page(s)), rebuilt " + today);
    root.put("asOf", today.toString());
    root.put("method", "Parsed by dev.headroom.cost.CloudCatalogPrices, the parser the app uses live: per region the"
        + " Spot Preemptible and on-demand Core and Ram SKUs of each series (headroom price rebuild).");
    ObjectNode missing = root.putObject("missing");
    Set<String> regions = new TreeSet<>(all.keySet());
    for (String series : new TreeSet<>(SERIES)) {
      ArrayNode none = JSON.createArrayNode();
      regions.stream().filter(r -> !all.get(r).containsKey(series)).forEach(none::add);
      if (!none.isEmpty()) {
        missing.set(series, none);
      }
    }
    root.set("diskPerGbMonth", previousDisk(out));
    ObjectNode regionsNode = root.putObject("regions");
    int entries = 0;
    for (String region : regions) {
      ObjectNode r = JSON.createObjectNode();
      for (Map.Entry<String, SeriesRates> e : new java.util.TreeMap<>(all.get(region)).entrySet()) {
        if (!SERIES.contains(e.getKey())) {
          continue;
        }
        ObjectNode s = r.putObject(e.getKey());
        e.getValue().onDemandCore().ifPresent(v -> s.put("core", v));
        e.getValue().onDemandRam().ifPresent(v -> s.put("ram", v));
        s.put("spotCore", e.getValue().core());
        s.put("spotRam", e.getValue().ram());
        entries++;
      }
      if (!r.isEmpty()) {
        regionsNode.set(region, r);
      }
    }
    if (entries == 0) {
      throw new AppException("The SKU listing has no Compute Engine core/RAM SKUs of " + SERIES
          + "; " + out + " was left unchanged");
    }
    try {
      Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), "rates", ".json");
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new AppException("Cannot write " + out + ": " + e.getMessage(), e);
    }
    return entries;
  }

  private static JsonNode previousDisk(Path out) {
    try {
      if (Files.exists(out)) {
        JsonNode disk = JSON.readTree(out.toFile()).path("diskPerGbMonth");
        if (disk.isObject()) {
          return disk;
        }
      }
    } catch (IOException e) {
      // an unreadable old file: fall through to the bundled disk prices
    }
    return JSON.valueToTree(RateTable.bundled().diskPerGbMonth());
  }
}
