package dev.headroom.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The billed vCPUs and GiB of RAM of a machine type, and the rate series that prices it. Predefined shapes come
 * from the bundled table of real Compute Engine shapes ({@code gcp-machine-types.json}, so n2-highmem-128 is 864
 * GiB and n2d-highmem-128, which GCP does not sell, is unknown); shared-core E2 shapes bill a fraction of a vCPU
 * (e2-micro 0.25, e2-small 0.5, e2-medium 1); custom shapes ({@code custom-4-8192}, {@code n2-custom-8-32768}: vCPUs
 * and MiB) are priced by their series' custom SKUs. When Compute Engine is connected, {@link MachineTypes} answers
 * from {@code machineTypes.get} instead.
 *
 * @param series the rate series: e2, n2, ... or n2-custom for custom shapes
 * @param vcpus billed vCPUs
 * @param memoryGib GiB of RAM
 */
public record MachineShape(String series, BigDecimal vcpus, BigDecimal memoryGib) {
  private static final Pattern PREDEFINED = Pattern.compile("([a-z][0-9][a-z]?)-[a-z]+-\\d+.*");
  private static final Pattern CUSTOM = Pattern.compile("(?:(e2|n2|n2d|n4)-)?custom-(\\d+)-(\\d+)(-ext)?");
  private static final BigDecimal MIB_PER_GIB = BigDecimal.valueOf(1024);
  private static final Table TABLE = Table.load();

  /** The bundled table: predefined shapes and the shared-core billing fractions. */
  private record Table(Map<String, MachineShape> shapes) {
    static Table load() {
      try (InputStream in = MachineShape.class.getResourceAsStream("/gcp-machine-types.json")) {
        if (in == null) {
          throw new IllegalStateException("Missing bundled resource /gcp-machine-types.json");
        }
        JsonNode root = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in);
        Map<String, MachineShape> shapes = new HashMap<>();
        add(root.path("types"), shapes);
        add(root.path("sharedCore"), shapes);
        return new Table(Map.copyOf(shapes));
      } catch (IOException e) {
        throw new IllegalStateException("Bundled machine-type table unreadable", e);
      }
    }

    private static void add(JsonNode node, Map<String, MachineShape> into) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isArray()) {
          continue;
        }
        String name = e.getKey();
        into.put(name, new MachineShape(name.substring(0, name.indexOf('-')), e.getValue().get(0).decimalValue(),
            e.getValue().get(1).decimalValue()));
      }
    }
  }

  /** The shape of {@code machineType} from the bundled table or the custom-shape grammar; empty when unknown. */
  public static Optional<MachineShape> of(String machineType) {
    String t = machineType.toLowerCase(Locale.ROOT).trim();
    MachineShape known = TABLE.shapes().get(t);
    if (known != null) {
      return Optional.of(known);
    }
    Matcher m = CUSTOM.matcher(t);
    if (m.matches() && m.group(4) == null) {
      String series = (m.group(1) == null ? "n1" : m.group(1)) + "-custom";
      return Optional.of(new MachineShape(series, new BigDecimal(m.group(2)),
          new BigDecimal(m.group(3)).divide(MIB_PER_GIB, 6, RoundingMode.HALF_UP).stripTrailingZeros()));
    }
    return Optional.empty();
  }

  /**
   * The shape, or an {@link AppException} naming {@code gcp.machineType} that says why the type is not one GCP
   * offers (or Headroom cannot price).
   */
  public static MachineShape require(String machineType) {
    return of(machineType).orElseThrow(() -> new AppException(problem(machineType)));
  }

  static String problem(String machineType) {
    String t = machineType.toLowerCase(Locale.ROOT).trim();
    Matcher custom = CUSTOM.matcher(t);
    if (custom.matches()) {
      return "Invalid setting gcp.machineType: '" + machineType + "' uses extended memory, which Headroom cannot price";
    }
    Matcher m = PREDEFINED.matcher(t);
    String hint = m.matches() ? " (no such predefined " + m.group(1) + " shape)" : "";
    return "Invalid setting gcp.machineType: '" + machineType + "' is not a Compute Engine machine type Headroom"
        + " knows" + hint + "; use a predefined type such as e2-highmem-4, or custom-VCPUS-MIB";
  }

  /** The series a machine type is priced by, from its name alone (for shapes answered by machineTypes.get). */
  static String seriesOf(String machineType) {
    String t = machineType.toLowerCase(Locale.ROOT).trim();
    Matcher m = CUSTOM.matcher(t);
    if (m.matches()) {
      return (m.group(1) == null ? "n1" : m.group(1)) + "-custom";
    }
    int dash = t.indexOf('-');
    return dash < 0 ? t : t.substring(0, dash);
  }
}
