package dev.headroom.cost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.AppException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code headroom price} verbs, working offline from the bundled data (and from the live catalog when Google
 * Cloud is configured and reachable):
 * <pre>
 * price vm TYPE [--region R] [--json]      {type, region, vcpus, memoryGib, spotPerHour, onDemandPerHour, source, asOf}
 * price llm MODEL [--input N] [--cached N] [--cache-write N] [--cache-write-1h N] [--output N] [--reasoning N] [--json]
 *                                          {model, resolvedAs, cost, unpriced}
 * price rebuild TABLE.json SKUS.json...    rebuild the bundled rate table from a saved Catalog SKU listing
 * </pre>
 * Exit codes: 0 done, 64 usage error; a bad machine type or unreadable file is an {@link AppException} (exit 2).
 */
public final class PriceCommands {
  static final String USAGE = String.join("\n",
      "Usage: headroom price vm TYPE [--region R] [--json]",
      "       headroom price llm MODEL [--input N] [--cached N] [--cache-write N] [--cache-write-1h N] [--output N]"
          + " [--reasoning N] [--json]",
      "       headroom price rebuild TABLE.json SKUS.json...");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final RateTable table;
  private final PriceBook book;
  private final Optional<Supplier<PriceCatalog>> catalog;
  private final String defaultRegion;
  private final Clock clock;

  /**
   * @param catalog opens the live catalog (when GCP is configured); a failure falls back to the bundled table
   * @param defaultRegion gcp.region, used when --region is not given
   */
  public PriceCommands(RateTable table, PriceBook book, Optional<Supplier<PriceCatalog>> catalog,
      String defaultRegion, Clock clock) {
    this.table = table;
    this.book = book;
    this.catalog = catalog;
    this.defaultRegion = defaultRegion;
    this.clock = clock;
  }

  /** Runs one {@code price} invocation ({@code args} after "price"); returns the exit code. */
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println(USAGE);
      return 64;
    }
    try {
      return switch (args.get(0)) {
        case "vm" -> vm(args.subList(1, args.size()), out, err);
        case "llm" -> llm(args.subList(1, args.size()), out, err);
        case "rebuild" -> rebuild(args.subList(1, args.size()), out, err);
        default -> {
          err.println("headroom price: unknown command '" + args.get(0) + "'\n" + USAGE);
          yield 64;
        }
      };
    } catch (NumberFormatException e) {
      err.println("headroom price: token counts must be whole numbers (" + e.getMessage() + ")\n" + USAGE);
      return 64;
    }
  }

  private int vm(List<String> args, PrintStream out, PrintStream err) {
    Optional<String> type = positional(args);
    if (type.isEmpty()) {
      err.println(USAGE);
      return 64;
    }
    String region = option(args, "--region").orElse(defaultRegion);
    MachineShape shape = MachineShape.of(type.get()).orElseThrow(() -> new AppException(
        MachineShape.problem(type.get()).replace("Invalid setting gcp.machineType: ", "Unknown machine type: ")));
    SeriesRates rates = null;
    VmPrice.Source source = VmPrice.Source.FALLBACK;
    Instant asOf = table.asOfInstant();
    if (catalog.isPresent()) {
      try (PriceCatalog c = catalog.get().get()) {
        rates = c.rates(region).get(shape.series());
        source = VmPrice.Source.CATALOG;
        asOf = clock.instant();
      } catch (AppException | IllegalStateException e) {
        err.println("headroom price: Cloud Billing Catalog unavailable (" + e.getMessage() + "); using the bundled"
            + " table of " + table.asOf());
      }
    }
    if (rates == null) {
      rates = table.region(region).get(shape.series());
      source = VmPrice.Source.FALLBACK;
      asOf = table.asOfInstant();
    }
    if (rates == null) {
      throw new AppException("No " + shape.series() + " prices for region '" + region + "' (not sold there, or not"
          + " in the " + source.word() + " rates)");
    }
    PriceService.Quote q = new PriceService.Quote(type.get(), region, shape.vcpus(), shape.memoryGib(),
        rates.spot(shape.vcpus(), shape.memoryGib()), rates.onDemand(shape.vcpus(), shape.memoryGib()), source, asOf);
    if (args.contains("--json")) {
      ObjectNode o = JSON.createObjectNode();
      o.put("type", q.type());
      o.put("region", q.region());
      o.put("vcpus", q.vcpus());
      o.put("memoryGib", q.memoryGib());
      o.put("spotPerHour", q.spotPerHour());
      if (q.onDemandPerHour().isPresent()) {
        o.put("onDemandPerHour", q.onDemandPerHour().get());
      } else {
        o.putNull("onDemandPerHour");
      }
      o.put("source", q.source().word());
      o.put("asOf", q.asOf().toString());
      out.println(o.toPrettyString());
    } else {
      out.printf("%s in %s: %s vCPU, %s GiB; Spot $%s/h, on-demand %s (machine only, %s prices of %s)%n", q.type(),
          q.region(), q.vcpus().toPlainString(), q.memoryGib().toPlainString(), q.spotPerHour().toPlainString(),
          q.onDemandPerHour().map(v -> "$" + v.toPlainString() + "/h").orElse("unknown"), q.source().word(),
          q.asOf());
    }
    return 0;
  }

  private int llm(List<String> args, PrintStream out, PrintStream err) {
    Optional<String> model = positional(args);
    if (model.isEmpty()) {
      err.println(USAGE);
      return 64;
    }
    LlmUsage u = new LlmUsage(clock.instant(), "cli", model.get(), count(args, "--input"), count(args, "--cached"),
        count(args, "--output"), count(args, "--reasoning"), "cli", count(args, "--cache-write"),
        count(args, "--cache-write-1h"));
    PriceBook.validate(u);
    Optional<PriceBook.Resolved> r = book.resolve(model.get());
    Optional<BigDecimal> cost = r.map(x -> PriceBook.cost(x.price(), u));
    if (args.contains("--json")) {
      ObjectNode o = JSON.createObjectNode();
      o.put("model", model.get());
      if (r.isPresent()) {
        o.put("resolvedAs", r.get().key());
        o.put("cost", cost.get());
      } else {
        o.putNull("resolvedAs");
        o.putNull("cost");
      }
      o.put("unpriced", r.isEmpty());
      out.println(o.toPrettyString());
    } else if (r.isPresent()) {
      out.printf("%s (priced as %s): $%s%n", model.get(), r.get().key(), cost.get().toPlainString());
    } else {
      out.printf("%s: unpriced (not in the price book)%n", model.get());
    }
    return 0;
  }

  private int rebuild(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() < 2) {
      err.println(USAGE);
      return 64;
    }
    List<Path> pages = args.subList(1, args.size()).stream().map(Path::of).toList();
    int entries = RateTableBuilder.rebuild(Path.of(args.get(0)), pages, clock);
    out.println("Wrote " + entries + " (region, series) rate entries to " + args.get(0));
    return 0;
  }

  private static Optional<String> positional(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--json")) {
        continue;
      }
      if (a.startsWith("--")) {
        i++; // skip the option's value
        continue;
      }
      return Optional.of(a);
    }
    return Optional.empty();
  }

  private static Optional<String> option(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
  }

  private static long count(List<String> args, String name) {
    return option(args, name).map(Long::parseLong).orElse(0L);
  }

  /** For tests: the rates a quote would use. */
  static Map<String, SeriesRates> bundledRegion(RateTable t, String region) {
    return t.region(region);
  }
}
