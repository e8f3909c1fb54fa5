package dev.headroom.cost;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A VM's Spot price per hour and where it came from.
 *
 * @param source CATALOG (fetched now), CACHED (an earlier catalog fetch from the store) or FALLBACK (bundled table)
 */
public record VmPrice(BigDecimal perHour, Source source, Instant fetchedAt) {
  /** Where a price came from. */
  public enum Source {
    CATALOG,
    CACHED,
    FALLBACK
  }
}
