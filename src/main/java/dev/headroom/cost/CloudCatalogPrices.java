package dev.headroom.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.billing.v1.CloudCatalogClient;
import com.google.cloud.billing.v1.CloudCatalogSettings;
import com.google.cloud.billing.v1.PricingExpression;
import com.google.cloud.billing.v1.Sku;
import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PriceCatalog} on the real Cloud Billing Catalog client over REST: lists the Compute Engine SKUs (every
 * page) and keeps the Spot and on-demand core and RAM rates per series for the region. With
 * {@code gcp.billingEndpoint} set it talks to that endpoint without credentials; otherwise it uses Application
 * Default Credentials. The same {@link #parseAllRegions} rebuilds the bundled table from a SKU listing
 * ({@link RateTableBuilder}).
 */
public final class CloudCatalogPrices implements PriceCatalog {
  static final String COMPUTE_SERVICE = "services/6F81-5844-456A";

  /**
   * The SKU wording of each series, as the Catalog writes it ("C2" is "Compute optimized", "N1" is "N1 Predefined
   * Instance", M1 and M2 share "Memory-optimized Instance"). Spot SKUs add "Spot Preemptible "; older preemptible
   * SKUs add "Preemptible ". Custom, sole-tenant, commitment and reserved SKUs do not match.
   */
  private static final Map<String, String> FAMILIES = Map.ofEntries(
      Map.entry("E2 Instance", "e2"),
      Map.entry("N1 Predefined Instance", "n1"),
      Map.entry("N2 Instance", "n2"),
      Map.entry("N2D AMD Instance", "n2d"),
      Map.entry("N4 Instance", "n4"),
      Map.entry("Compute optimized", "c2"),
      Map.entry("C2D AMD Instance", "c2d"),
      Map.entry("C3 Instance", "c3"),
      Map.entry("C3D Instance", "c3d"),
      Map.entry("C4 Instance", "c4"),
      Map.entry("T2D AMD Instance", "t2d"),
      Map.entry("Memory-optimized Instance", "m1"),
      Map.entry("M3 Memory-optimized Instance", "m3"),
      Map.entry("Custom Instance", "n1-custom"),
      Map.entry("E2 Custom Instance", "e2-custom"),
      Map.entry("N2 Custom Instance", "n2-custom"),
      Map.entry("N2D AMD Custom Instance", "n2d-custom"),
      Map.entry("N4 Custom Instance", "n4-custom"));
  private static final Pattern SKU = Pattern.compile(
      "(Spot Preemptible |Preemptible )?(" + String.join("|", FAMILIES.keySet().stream()
          .sorted((a, b) -> b.length() - a.length()).map(Pattern::quote).toList())
          + ") (Core|Ram) running in (.+)");

  /** The fields of one SKU that pricing needs (parsing is tested on these, apart from fetching). */
  record SkuLine(String description, String resourceGroup, String usageType, List<String> regions,
      BigDecimal unitPrice) {}

  /** What one matching SKU prices: a series' core or RAM, Spot (new or old wording) or on-demand. */
  private record Kind(String series, boolean core, boolean spot, boolean legacyPreemptible) {}

  private final CloudCatalogClient client;

  private CloudCatalogPrices(CloudCatalogClient client) {
    this.client = client;
  }

  /** Connects; throws {@link AppException} when there are no credentials. */
  public static CloudCatalogPrices connect(GcpSettings gcp, Duration timeout) {
    try {
      CloudCatalogSettings.Builder b = CloudCatalogSettings.newHttpJsonBuilder();
      if (gcp.billingEndpoint() != null && !gcp.billingEndpoint().isBlank()) {
        b.setEndpoint(gcp.billingEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
      } else {
        b.setCredentialsProvider(FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault()));
      }
      b.listSkusSettings().setRetrySettings(RetrySettings.newBuilder()
          .setMaxAttempts(2)
          .setInitialRetryDelayDuration(Duration.ofMillis(200))
          .setRetryDelayMultiplier(2)
          .setMaxRetryDelayDuration(Duration.ofSeconds(2))
          .setInitialRpcTimeoutDuration(timeout)
          .setRpcTimeoutMultiplier(1)
          .setMaxRpcTimeoutDuration(timeout)
          .setTotalTimeoutDuration(timeout.multipliedBy(2))
          .build());
      return new CloudCatalogPrices(CloudCatalogClient.create(b.build()));
    } catch (IOException e) {
      throw new AppException("No Google Cloud credentials for the Billing Catalog: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, SeriesRates> rates(String region) {
    return parseAllRegions(listAll()).getOrDefault(region, Map.of());
  }

  /** Every Compute Engine SKU line, all pages. */
  List<SkuLine> listAll() {
    List<SkuLine> lines = new ArrayList<>();
    try {
      for (Sku sku : client.listSkus(COMPUTE_SERVICE).iterateAll()) {
        if (sku.getPricingInfoCount() == 0) {
          continue;
        }
        PricingExpression expr = sku.getPricingInfo(0).getPricingExpression();
        if (expr.getTieredRatesCount() == 0) {
          continue;
        }
        var money = expr.getTieredRates(expr.getTieredRatesCount() - 1).getUnitPrice();
        BigDecimal price = BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
        lines.add(new SkuLine(sku.getDescription(), sku.getCategory().getResourceGroup(),
            sku.getCategory().getUsageType(), sku.getServiceRegionsList(), price));
      }
    } catch (ApiException e) {
      throw new AppException("Cloud Billing Catalog: " + e.getMessage(), e);
    }
    return lines;
  }

  /**
   * SKU lines from one page of a {@code GET /v1/services/6F81-5844-456A/skus} answer in its JSON form (what gcloud
   * and curl print), so a saved listing goes through the same parser as the live client.
   */
  static List<SkuLine> parseListingPage(JsonNode page) {
    List<SkuLine> out = new ArrayList<>();
    for (JsonNode sku : page.path("skus")) {
      JsonNode rates = sku.path("pricingInfo").path(0).path("pricingExpression").path("tieredRates");
      if (!rates.isArray() || rates.isEmpty()) {
        continue;
      }
      JsonNode money = rates.get(rates.size() - 1).path("unitPrice");
      BigDecimal price = new BigDecimal(money.path("units").asText("0"))
          .add(BigDecimal.valueOf(money.path("nanos").asLong(0), 9));
      List<String> regions = new ArrayList<>();
      sku.path("serviceRegions").forEach(r -> regions.add(r.asText()));
      out.add(new SkuLine(sku.path("description").asText(""), sku.path("category").path("resourceGroup").asText(""),
          sku.path("category").path("usageType").asText(""), regions, price));
    }
    return out;
  }

  /** Spot (and on-demand) core/RAM rates per series for {@code region} from SKU lines. */
  static Map<String, SeriesRates> parseRates(List<SkuLine> skus, String region) {
    return parseAllRegions(skus).getOrDefault(region, Map.of());
  }

  /**
   * Rates per region, then per series (lower case, e.g. "c2", "n2-custom"). A series needs both Spot SKUs (core and
   * RAM) in a region to be listed; on-demand rates are added when both on-demand SKUs are there. "Spot Preemptible"
   * SKUs win over older "Preemptible" ones for the same series and region.
   */
  static Map<String, Map<String, SeriesRates>> parseAllRegions(List<SkuLine> skus) {
    // region -> series -> slot ("spotCore", "spotRam", "legacyCore", "legacyRam", "core", "ram") -> price
    Map<String, Map<String, Map<String, BigDecimal>>> found = new TreeMap<>();
    for (SkuLine s : skus) {
      Optional<Kind> kind = classify(s);
      if (kind.isEmpty()) {
        continue;
      }
      Kind k = kind.get();
      String slot = (k.spot() ? (k.legacyPreemptible() ? "legacy" : "spot") : "") + (k.core() ? "Core" : "Ram");
      for (String region : s.regions()) {
        found.computeIfAbsent(region, r -> new TreeMap<>()).computeIfAbsent(k.series(), x -> new HashMap<>())
            .put(slot, s.unitPrice());
      }
    }
    Map<String, Map<String, SeriesRates>> out = new TreeMap<>();
    found.forEach((region, bySeries) -> bySeries.forEach((series, slots) -> {
      BigDecimal core = slots.getOrDefault("spotCore", slots.get("legacyCore"));
      BigDecimal ram = slots.getOrDefault("spotRam", slots.get("legacyRam"));
      if (core == null || ram == null) {
        return;
      }
      out.computeIfAbsent(region, r -> new TreeMap<>()).put(series, new SeriesRates(core, ram,
          Optional.ofNullable(slots.get("Core")), Optional.ofNullable(slots.get("Ram"))));
    }));
    return out;
  }

  private static Optional<Kind> classify(SkuLine s) {
    Matcher m = SKU.matcher(s.description().trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    String usage = s.usageType().toLowerCase(Locale.ROOT);
    boolean spot = usage.equals("preemptible");
    if (!spot && !usage.equals("ondemand")) {
      return Optional.empty();
    }
    if (spot != (m.group(1) != null)) {
      return Optional.empty(); // a "Spot Preemptible" wording must be a Preemptible usage type, and back
    }
    boolean legacy = m.group(1) != null && m.group(1).startsWith("Preemptible");
    return Optional.of(new Kind(FAMILIES.get(m.group(2)), m.group(3).equals("Core"), spot, legacy));
  }

  @Override
  public void close() {
    client.close();
  }
}
