package dev.headroom.cost;

import dev.headroom.core.Csv;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes cost history as CSV (RFC 4180: comma-separated, quoted when needed, plain decimal numbers, ISO-8601
 * times, a header row), for spreadsheets: per day, per model and per VM over a range.
 *
 * <pre>{@code
 * List<Path> files = CostCsv.export(history, from, to, cost::hourlyPrice, dir);
 * }</pre>
 */
public final class CostCsv {
  private CostCsv() {}

  /** Writes cost-per-day.csv, cost-per-model.csv and cost-per-vm.csv for {@code [from, to)} into {@code dir}. */
  public static List<Path> export(CostHistory history, Instant from, Instant to,
      java.util.function.Function<String, java.util.Optional<BigDecimal>> hourlyPrice, Path dir) {
    List<Path> written = new ArrayList<>();
    written.add(write(dir.resolve("cost-per-day.csv"), List.of("date", "llm_usd", "gcp_estimate_usd", "total_usd"),
        history.days(from, to).stream().map(d -> List.of(d.date().toString(), plain(d.llm()), plain(d.gcp()),
            plain(d.total()))).toList()));
    written.add(write(dir.resolve("cost-per-model.csv"), List.of("provider", "model", "calls", "input_tokens",
        "cached_tokens", "output_tokens", "reasoning_tokens", "cost_usd", "unpriced_calls"),
        history.models(from, to).stream().map(m -> List.of(m.provider(), m.model(), String.valueOf(m.calls()),
            String.valueOf(m.inputTokens()), String.valueOf(m.cachedTokens()), String.valueOf(m.outputTokens()),
            String.valueOf(m.reasoningTokens()), plain(m.cost()), String.valueOf(m.unpriced()))).toList()));
    written.add(write(dir.resolve("cost-per-vm.csv"), List.of("vm", "machine_type", "zone", "state", "from", "to",
        "usd_per_hour", "cost_estimate_usd"),
        history.vms(from, to, hourlyPrice).stream().map(v -> List.of(v.name(), v.machineType(), v.zone(),
            v.state(), v.from().toString(), v.to().toString(), v.perHour().map(CostCsv::plain).orElse(""),
            v.cost().map(CostCsv::plain).orElse(""))).toList()));
    return written;
  }

  private static Path write(Path file, List<String> header, List<List<String>> rows) {
    return Csv.write(file, header, rows);
  }

  static String plain(BigDecimal v) {
    return v.stripTrailingZeros().toPlainString();
  }
}
