package dev.headroom.cost;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PriceCatalog} on the real Cloud Billing Catalog client over REST: lists the Compute Engine SKUs (every
 * page) and keeps the Spot core and RAM rates per series for the region. With {@code gcp.billingEndpoint} set it
 * talks to that endpoint without credentials; otherwise it uses Application Default Credentials.
 */
public final class CloudCatalogPrices implements PriceCatalog {
  static final String COMPUTE_SERVICE = "services/6F81-5844-456A";
  private static final Pattern SPOT = Pattern.compile(
      "Spot Preemptible (\\w+) (?:AMD |Intel )?Instance (Core|Ram) running in .*", Pattern.CASE_INSENSITIVE);

  /** The fields of one SKU that pricing needs (parsing is tested on these, apart from fetching). */
  record SkuLine(String description, String resourceGroup, String usageType, List<String> regions,
      BigDecimal unitPrice) {}

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
  public Map<String, SeriesRates> spotRates(String region) {
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
    return parseSpotRates(lines, region);
  }

  /** Spot core/RAM rates per series (lower case) for {@code region} from SKU lines. */
  static Map<String, SeriesRates> parseSpotRates(List<SkuLine> skus, String region) {
    Map<String, BigDecimal> core = new HashMap<>();
    Map<String, BigDecimal> ram = new HashMap<>();
    for (SkuLine s : skus) {
      if (!"Preemptible".equalsIgnoreCase(s.usageType()) || !s.regions().contains(region)) {
        continue;
      }
      Matcher m = SPOT.matcher(s.description());
      if (!m.matches()) {
        continue;
      }
      String series = m.group(1).toLowerCase(Locale.ROOT);
      boolean isCore = m.group(2).equalsIgnoreCase("Core") || "CPU".equalsIgnoreCase(s.resourceGroup());
      (isCore ? core : ram).put(series, s.unitPrice());
    }
    Map<String, SeriesRates> out = new HashMap<>();
    for (Map.Entry<String, BigDecimal> e : core.entrySet()) {
      BigDecimal r = ram.get(e.getKey());
      if (r != null) {
        out.put(e.getKey(), new SeriesRates(e.getValue(), r));
      }
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
  }
}
