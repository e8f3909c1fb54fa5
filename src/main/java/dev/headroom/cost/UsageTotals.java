package dev.headroom.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Running LLM totals for today and this month per provider/model, plus the burn window. Only the store's writer
 * changes them (right after a commit, in commit order), so a reload at rollover and concurrent events cannot
 * double count; the tick reads a copy. Counters saturate at {@code Long.MAX_VALUE} instead of wrapping.
 */
final class UsageTotals {
  /** Totals of one provider/model in one window. */
  record Line(String provider, String model, long calls, long input, long cached, long output, long reasoning,
      long unpriced, BigDecimal cost) {

    static Line empty(String provider, String model) {
      return new Line(provider, model, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO);
    }

    Line plus(LlmUsage u, Optional<BigDecimal> c) {
      return new Line(provider, model, sat(calls, 1), sat(input, u.inputTokens()), sat(cached, u.cachedInputTokens()),
          sat(output, u.outputTokens()), sat(reasoning, u.reasoningTokens()), c.isPresent() ? unpriced : sat(unpriced, 1),
          c.map(cost::add).orElse(cost));
    }
  }

  /** What the tick needs, copied under the lock. */
  record View(LocalDate day, YearMonth month, List<Line> today, List<Line> monthLines, BigDecimal burnPerHour) {}

  private final ZoneId zone;
  private final Map<String, Line> today = new LinkedHashMap<>();
  private final Map<String, Line> month = new LinkedHashMap<>();
  private final BurnWindow burn = new BurnWindow();
  private LocalDate day;
  private YearMonth yearMonth;

  UsageTotals(ZoneId zone) {
    this.zone = zone;
  }

  static long sat(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  private static String key(String provider, String model) {
    return provider + "|" + model;
  }

  /** Replaces both windows (at start and at rollover) with totals read from the store. */
  synchronized void reset(LocalDate newDay, List<Line> dayLines, List<Line> monthLines) {
    day = newDay;
    yearMonth = YearMonth.from(newDay);
    today.clear();
    month.clear();
    dayLines.forEach(l -> today.put(key(l.provider(), l.model()), l));
    monthLines.forEach(l -> month.put(key(l.provider(), l.model()), l));
  }

  /** Counts stored events. */
  synchronized void add(List<PricedUsage> stored, Instant now) {
    for (PricedUsage p : stored) {
      LlmUsage u = p.usage();
      LocalDate when = LocalDate.ofInstant(u.time(), zone);
      String k = key(u.provider(), u.model());
      if (YearMonth.from(when).equals(yearMonth)) {
        month.put(k, month.getOrDefault(k, Line.empty(u.provider(), u.model())).plus(u, p.cost()));
        if (when.equals(day)) {
          today.put(k, today.getOrDefault(k, Line.empty(u.provider(), u.model())).plus(u, p.cost()));
        }
      }
      p.cost().ifPresent(c -> burn.add(u.time(), c, now));
    }
  }

  synchronized LocalDate day() {
    return day;
  }

  synchronized View view(Instant now) {
    return new View(day, yearMonth, List.copyOf(today.values()), List.copyOf(month.values()), burn.perHour(now));
  }
}
