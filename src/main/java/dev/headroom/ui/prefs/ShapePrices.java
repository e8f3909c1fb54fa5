package dev.headroom.ui.prefs;

import dev.headroom.cost.MachineShape;
import dev.headroom.cost.VmPrice;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The machine shapes Preferences offers, with their Spot $/h in a region, cheapest per GiB of RAM first. */
final class ShapePrices {
  /** Shapes with room for memory-hungry work, across the series sold in most regions. */
  static final List<String> SHAPES = List.of("e2-highmem-2", "e2-highmem-4", "e2-highmem-8", "e2-highmem-16",
      "e2-standard-4", "e2-standard-8", "n2-highmem-4", "n2-highmem-8", "n2-highmem-16", "n2d-highmem-4",
      "n2d-highmem-8", "n2d-highmem-16", "c3-highmem-4", "c3-highmem-8");

  /** One shape: its size and Spot $/h (machine plus boot disk), empty when there is no rate for it in the region. */
  record Row(String type, BigDecimal vcpus, BigDecimal memoryGib, Optional<VmPrice> price) {}

  private ShapePrices() {}

  /** The list for {@code region}; the configured type is always in it. Runs the price lookups: not on the FX thread. */
  static List<Row> rows(String region, String configured, PreferencesServices.SpotPrices prices) {
    Set<String> types = new LinkedHashSet<>(SHAPES);
    if (!configured.isBlank()) {
      types.add(configured.trim());
    }
    List<Row> rows = new ArrayList<>();
    for (String t : types) {
      Optional<MachineShape> shape = MachineShape.of(t);
      if (shape.isEmpty()) {
        continue;
      }
      Optional<VmPrice> price = region.isBlank() ? Optional.empty() : prices.spot(t, region.trim());
      rows.add(new Row(t, shape.get().vcpus(), shape.get().memoryGib(), price));
    }
    rows.sort(Comparator.comparing((Row r) -> r.price().isEmpty())
        .thenComparing(r -> r.memoryGib())
        .thenComparing(r -> r.price().map(VmPrice::perHour).orElse(BigDecimal.ZERO)));
    return rows;
  }
}
