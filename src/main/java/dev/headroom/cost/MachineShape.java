package dev.headroom.cost;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The billed vCPUs and GiB of RAM of a predefined machine type. Shared-core E2 shapes bill a fraction of a vCPU
 * (e2-micro 0.25, e2-small 0.5, e2-medium 1).
 *
 * @param series e2, n2, n2d, c2, c3 or t2d
 */
public record MachineShape(String series, BigDecimal vcpus, BigDecimal memoryGib) {
  private static final Pattern NAME = Pattern.compile("(e2|n2|n2d|c2|c3|t2d)-(standard|highmem|highcpu)-(\\d+)");
  private static final Map<String, MachineShape> SHARED = Map.of(
      "e2-micro", new MachineShape("e2", new BigDecimal("0.25"), new BigDecimal("1")),
      "e2-small", new MachineShape("e2", new BigDecimal("0.5"), new BigDecimal("2")),
      "e2-medium", new MachineShape("e2", new BigDecimal("1"), new BigDecimal("4")));

  /** The shape of {@code machineType}, when it is one of the predefined types of the supported series. */
  public static Optional<MachineShape> of(String machineType) {
    String t = machineType.toLowerCase(Locale.ROOT);
    if (SHARED.containsKey(t)) {
      return Optional.of(SHARED.get(t));
    }
    Matcher m = NAME.matcher(t);
    if (!m.matches()) {
      return Optional.empty();
    }
    String series = m.group(1);
    String family = m.group(2);
    int cpus = Integer.parseInt(m.group(3));
    double perCpu = switch (family) {
      case "highmem" -> 8;
      case "highcpu" -> series.equals("c3") ? 2 : 1;
      default -> 4;
    };
    if (series.equals("t2d") && !family.equals("standard") || series.equals("c2") && !family.equals("standard")) {
      return Optional.empty();
    }
    return Optional.of(new MachineShape(series, BigDecimal.valueOf(cpus), BigDecimal.valueOf(cpus * perCpu)));
  }
}
