package dev.headroom.cost;

import java.util.Map;

/**
 * Where live Spot prices come from ({@link CloudCatalogPrices} reads the Cloud Billing Catalog).
 *
 * <pre>{@code
 * Map<String, SeriesRates> rates = catalog.spotRates("us-central1");   // "e2" -> core $/h, RAM $/GiB-h
 * }</pre>
 */
public interface PriceCatalog extends AutoCloseable {
  /** Spot core and RAM rates per series for {@code region}; throws when the catalog cannot be read. */
  Map<String, SeriesRates> spotRates(String region);

  @Override
  void close();
}
