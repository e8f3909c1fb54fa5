package dev.headroom.cost;

import java.util.Map;

/**
 * Where live Compute Engine prices come from ({@link CloudCatalogPrices} reads the Cloud Billing Catalog).
 *
 * <pre>{@code
 * Map<String, SeriesRates> rates = catalog.rates("us-central1");   // "e2" -> Spot (and on-demand) core/RAM rates
 * }</pre>
 */
public interface PriceCatalog extends AutoCloseable {
  /** Spot and on-demand core/RAM rates per series for {@code region}; throws when the catalog cannot be read. */
  Map<String, SeriesRates> rates(String region);

  @Override
  void close();
}
