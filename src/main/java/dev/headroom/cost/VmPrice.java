package dev.headroom.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * A VM's Spot price per hour (machine plus boot disk), its on-demand machine price when known, and where the rates
 * came from.
 *
 * @param perHour Spot $/h of the machine plus its boot disk
 * @param onDemandPerHour on-demand $/h of the machine alone (no disk), when the source has on-demand rates
 * @param source CATALOG (fetched now), CACHED (an earlier catalog fetch from the store) or FALLBACK (bundled table)
 * @param fetchedAt when the rates were fetched, or the bundled table's date
 */
public record VmPrice(BigDecimal perHour, Optional<BigDecimal> onDemandPerHour, Source source, Instant fetchedAt) {
  /** Where a price came from. */
  public enum Source {
    CATALOG,
    CACHED,
    FALLBACK;

    /** The lower-case word the CLI prints: catalog, cached or bundled. */
    public String word() {
      return this == FALLBACK ? "bundled" : name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
