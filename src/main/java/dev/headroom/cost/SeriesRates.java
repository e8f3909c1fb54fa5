package dev.headroom.cost;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * Spot $ per vCPU-hour and per GiB-hour of one machine series in one region, with the on-demand rates when the
 * source has them (so the UI can show what Spot saves).
 *
 * @param core Spot $ per vCPU-hour
 * @param ram Spot $ per GiB-hour
 * @param onDemandCore on-demand $ per vCPU-hour, when known
 * @param onDemandRam on-demand $ per GiB-hour, when known
 */
public record SeriesRates(BigDecimal core, BigDecimal ram, Optional<BigDecimal> onDemandCore,
    Optional<BigDecimal> onDemandRam) {

  public SeriesRates {
    Objects.requireNonNull(core, "core");
    Objects.requireNonNull(ram, "ram");
    Objects.requireNonNull(onDemandCore, "onDemandCore");
    Objects.requireNonNull(onDemandRam, "onDemandRam");
  }

  /** Spot rates only. */
  public SeriesRates(BigDecimal core, BigDecimal ram) {
    this(core, ram, Optional.empty(), Optional.empty());
  }

  /** $/h of {@code vcpus} and {@code gib} at the Spot rates. */
  public BigDecimal spot(BigDecimal vcpus, BigDecimal gib) {
    return vcpus.multiply(core).add(gib.multiply(ram));
  }

  /** $/h of {@code vcpus} and {@code gib} on demand, when both on-demand rates are known. */
  public Optional<BigDecimal> onDemand(BigDecimal vcpus, BigDecimal gib) {
    if (onDemandCore.isEmpty() || onDemandRam.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(vcpus.multiply(onDemandCore.get()).add(gib.multiply(onDemandRam.get())));
  }
}
