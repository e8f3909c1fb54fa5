package dev.headroom.cost;

import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Spend history read back from the store: the minute snapshots {@link CostEngine} keeps ({@code cost_minute}),
 * LLM usage rows and the VMs' run times. For the cost charts (today's curve, per-day totals) and CSV export.
 * Reads only; call it off the UI thread.
 *
 * <pre>{@code
 * CostHistory h = new CostHistory(db, ZoneId.systemDefault());
 * List<CostHistory.Day> month = h.days(monthStart, now);
 * }</pre>
 */
public final class CostHistory {
  /** Spend today (LLM + GCP estimate) at one stored minute. */
  public record Point(Instant time, BigDecimal llmToday, BigDecimal gcpToday) {
    public BigDecimal total() {
      return llmToday.add(gcpToday);
    }
  }

  /** One day's spend: the last stored snapshot of that day. */
  public record Day(LocalDate date, BigDecimal llm, BigDecimal gcp) {
    public BigDecimal total() {
      return llm.add(gcp);
    }
  }

  /** One model's LLM usage over a range; {@code unpriced} calls are not in {@code cost}. */
  public record ModelTotal(String provider, String model, long calls, long inputTokens, long cachedTokens,
      long outputTokens, long reasoningTokens, BigDecimal cost, long unpriced) {}

  /** One VM's run within a range, with its estimated cost (empty when its price is unknown). */
  public record VmTotal(String name, String machineType, String zone, String state, Instant from, Instant to,
      Optional<BigDecimal> perHour, Optional<BigDecimal> cost) {}

  private final Database db;
  private final ZoneId zone;

  public CostHistory(Database db, ZoneId zone) {
    this.db = db;
    this.zone = zone;
  }

  /** Stored minute snapshots in {@code [from, to)}, oldest first. */
  public List<Point> points(Instant from, Instant to) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT ts, llm_today, gcp_today FROM cost_minute WHERE ts >= ? AND ts < ? ORDER BY ts")) {
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, to.toEpochMilli());
        List<Point> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Point(Instant.ofEpochMilli(rs.getLong(1)), rs.getBigDecimal(2), rs.getBigDecimal(3)));
          }
        }
        return out;
      }
    });
  }

  /** Per-day totals in {@code [from, to)}: each day's last stored snapshot; days without one are absent. */
  public List<Day> days(Instant from, Instant to) {
    Map<LocalDate, Point> last = new LinkedHashMap<>();
    for (Point p : points(from, to)) {
      last.put(p.time().atZone(zone).toLocalDate(), p);
    }
    List<Day> out = new ArrayList<>(last.size());
    last.forEach((d, p) -> out.add(new Day(d, p.llmToday(), p.gcpToday())));
    return out;
  }

  /** LLM usage per model in {@code [from, to)}, costliest first. */
  public List<ModelTotal> models(Instant from, Instant to) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT provider, model, COUNT(*), SUM(input_tokens),"
          + " SUM(cached_tokens), SUM(output_tokens), SUM(reasoning_tokens), COALESCE(SUM(cost), 0),"
          + " SUM(CASE WHEN cost IS NULL THEN 1 ELSE 0 END) FROM llm_usage WHERE ts >= ? AND ts < ?"
          + " GROUP BY provider, model ORDER BY 8 DESC, 1, 2")) {
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, to.toEpochMilli());
        List<ModelTotal> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ModelTotal(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getBigDecimal(8).setScale(6, RoundingMode.HALF_UP), rs.getLong(9)));
          }
        }
        return out;
      }
    });
  }

  /**
   * The VMs that ran within {@code [from, to)}, with the part of their run inside the range priced at
   * {@code hourlyPrice} (catalog price x run time: an estimate, like the live figure).
   */
  public List<VmTotal> vms(Instant from, Instant to, Function<String, Optional<BigDecimal>> hourlyPrice) {
    List<VmTotal> runs = db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name, machine_type, zone, state, running_since,"
          + " ended_at FROM vm_sessions WHERE running_since IS NOT NULL AND running_since < ?"
          + " AND (ended_at IS NULL OR ended_at >= ?) ORDER BY running_since")) {
        ps.setLong(1, to.toEpochMilli());
        ps.setLong(2, from.toEpochMilli());
        List<VmTotal> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Instant start = Instant.ofEpochMilli(rs.getLong(5));
            long ended = rs.getLong(6);
            Instant end = rs.wasNull() ? to : Instant.ofEpochMilli(ended);
            rows.add(new VmTotal(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                start.isBefore(from) ? from : start, end.isAfter(to) ? to : end, Optional.empty(), Optional.empty()));
          }
        }
        return rows;
      }
    });
    // Prices may come from the catalog (network): looked up after the connection is released.
    List<VmTotal> out = new ArrayList<>(runs.size());
    for (VmTotal r : runs) {
      Optional<BigDecimal> price = hourlyPrice.apply(r.machineType());
      Optional<BigDecimal> cost = price.map(p -> p.multiply(BigDecimal.valueOf(
          Math.max(0, Duration.between(r.from(), r.to()).toSeconds()))).divide(BigDecimal.valueOf(3600), 6,
          RoundingMode.HALF_UP));
      out.add(new VmTotal(r.name(), r.machineType(), r.zone(), r.state(), r.from(), r.to(), price, cost));
    }
    return out;
  }
}
