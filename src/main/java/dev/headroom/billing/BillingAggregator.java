package dev.headroom.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Adds export rows up into a {@link BilledSummary}: pure, so the sums are tested to the cent on fixtures.
 *
 * <p>The month is the current {@code invoice.month} in Pacific time; today is the rows whose {@code usage_start_time}
 * falls on today in America/Los_Angeles, the billing day the console uses. Every cost type counts (regular, tax,
 * adjustment, rounding error); tax rows count under their own {@code service.description}.
 */
public final class BillingAggregator {
  /** The billing day of the console. */
  public static final ZoneId BILLING_ZONE = ZoneId.of("America/Los_Angeles");
  static final DateTimeFormatter INVOICE_MONTH = DateTimeFormatter.ofPattern("yyyyMM");
  static final Duration SPIKE_WINDOW = Duration.ofDays(7);
  static final int TOP_SKUS = 10;
  private static final BigDecimal HOURS_IN_WINDOW = BigDecimal.valueOf(SPIKE_WINDOW.toHours());
  private static final BigDecimal THREE = BigDecimal.valueOf(3);

  private BillingAggregator() {}

  /** The invoice month ({@code YYYYMM}) that {@code now} falls in, in Pacific time. */
  public static String invoiceMonth(Instant now) {
    return INVOICE_MONTH.format(YearMonth.from(LocalDate.ofInstant(now, BILLING_ZONE)));
  }

  /** What one refresh asks the export for at {@code now}. */
  public static BillingQuery query(String table, List<String> projects, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, BILLING_ZONE);
    Instant monthStart = today.withDayOfMonth(1).atStartOfDay(BILLING_ZONE).toInstant();
    Instant trailingFrom = now.truncatedTo(ChronoUnit.HOURS).minus(SPIKE_WINDOW).minus(Duration.ofDays(1));
    Instant from = monthStart.isBefore(trailingFrom) ? monthStart : trailingFrom;
    // Partitions are by export day (UTC): nothing of the window was exported before it began.
    Instant partitionFrom = from.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    return new BillingQuery(table, invoiceMonth(now), trailingFrom, partitionFrom, List.copyOf(projects),
        BillingQuery.DEFAULT_MAXIMUM_BYTES_BILLED);
  }

  /**
   * Sums {@code rows} as of {@code now}.
   *
   * @param groups {@code cost.serviceGroups}: group name to service descriptions
   * @param spikeThresholdUsd {@code cost.spikeThresholdUsd}
   */
  public static BilledSummary summarize(List<BillingRow> rows, Instant now, Map<String, List<String>> groups,
      BigDecimal spikeThresholdUsd) {
    String month = invoiceMonth(now);
    LocalDate day = LocalDate.ofInstant(now, BILLING_ZONE);
    BigDecimal today = BigDecimal.ZERO;
    BigDecimal monthTotal = BigDecimal.ZERO;
    BigDecimal monthOriginal = BigDecimal.ZERO;
    BigDecimal headroomToday = BigDecimal.ZERO;
    BigDecimal headroomMonth = BigDecimal.ZERO;
    Map<String, BigDecimal[]> services = new HashMap<>();
    Map<String, BigDecimal[]> projects = new HashMap<>();
    Map<String, BigDecimal> skus = new HashMap<>();
    Map<String, BigDecimal> byNumber = new LinkedHashMap<>();
    TreeSet<Instant> headroomHours = new TreeSet<>();
    Instant asOf = Instant.EPOCH;
    String currency = "USD";
    for (BillingRow r : rows) {
      if (r.exportTime().isAfter(asOf)) {
        asOf = r.exportTime();
      }
      currency = r.currency();
      BigDecimal usd = r.netUsd();
      boolean inMonth = month.equals(r.invoiceMonth());
      boolean isToday = LocalDate.ofInstant(r.usageStart(), BILLING_ZONE).equals(day);
      if (r.headroom()) {
        headroomHours.add(r.usageStart().truncatedTo(ChronoUnit.HOURS));
      }
      if (!inMonth && !isToday) {
        continue; // only in the spike window
      }
      BigDecimal m = inMonth ? usd : BigDecimal.ZERO;
      BigDecimal t = isToday ? usd : BigDecimal.ZERO;
      monthTotal = monthTotal.add(m);
      today = today.add(t);
      if (inMonth) {
        monthOriginal = monthOriginal.add(r.net());
        skus.merge(r.service() + "\u0000" + r.sku(), usd, BigDecimal::add);
        if (!r.projectNumber().isEmpty()) {
          byNumber.merge(r.projectNumber(), usd, BigDecimal::add);
        }
      }
      if (r.headroom()) {
        headroomMonth = headroomMonth.add(m);
        headroomToday = headroomToday.add(t);
      }
      add(services, r.service(), m, t);
      if (!r.projectId().isEmpty()) {
        add(projects, r.projectId(), m, t);
      }
    }
    List<BilledSummary.ServiceCost> byService = services.entrySet().stream()
        .map(e -> new BilledSummary.ServiceCost(e.getKey(), money(e.getValue()[0]), money(e.getValue()[1])))
        .sorted(Comparator.comparing(BilledSummary.ServiceCost::monthToDate).reversed()
            .thenComparing(BilledSummary.ServiceCost::service)).toList();
    List<BilledSummary.ProjectCost> byProject = projects.entrySet().stream()
        .map(e -> new BilledSummary.ProjectCost(e.getKey(), money(e.getValue()[0]), money(e.getValue()[1])))
        .sorted(Comparator.comparing(BilledSummary.ProjectCost::monthToDate).reversed()
            .thenComparing(BilledSummary.ProjectCost::project)).toList();
    List<BilledSummary.SkuCost> topSkus = skus.entrySet().stream()
        .map(e -> new BilledSummary.SkuCost(e.getKey().substring(0, e.getKey().indexOf('\u0000')),
            e.getKey().substring(e.getKey().indexOf('\u0000') + 1), money(e.getValue())))
        .sorted(Comparator.comparing(BilledSummary.SkuCost::monthToDate).reversed()
            .thenComparing(BilledSummary.SkuCost::sku)).limit(TOP_SKUS).toList();
    List<BilledSummary.GroupCost> groupCosts = new ArrayList<>();
    groups.forEach((name, members) -> {
      BigDecimal gm = BigDecimal.ZERO;
      BigDecimal gt = BigDecimal.ZERO;
      for (BilledSummary.ServiceCost s : byService) {
        if (members.contains(s.service())) {
          gm = gm.add(s.monthToDate());
          gt = gt.add(s.today());
        }
      }
      groupCosts.add(new BilledSummary.GroupCost(name, gm, gt));
    });
    byNumber.replaceAll((k, v) -> money(v));
    return new BilledSummary(currency, money(today), money(monthTotal), money(monthOriginal), asOf, now, month,
        day.toString(), byService, byProject, topSkus, List.copyOf(groupCosts), money(headroomToday),
        money(headroomMonth), List.copyOf(headroomHours), Map.copyOf(byNumber),
        spikes(rows, spikeThresholdUsd), rows.size());
  }

  /**
   * Per service, the billed cost of the latest billed hour against its mean over the 7 days (168 hours) before it.
   * A spike is an increase above {@code threshold}, or to 3x the mean or more when that is at least a fifth of the
   * threshold (so a few cents tripling do not alert).
   */
  static List<BilledSummary.Spike> spikes(List<BillingRow> rows, BigDecimal threshold) {
    Instant latest = rows.stream().map(r -> r.usageStart().truncatedTo(ChronoUnit.HOURS))
        .max(Comparator.naturalOrder()).orElse(null);
    if (latest == null) {
      return List.of();
    }
    Instant windowStart = latest.minus(SPIKE_WINDOW);
    Map<String, BigDecimal> hour = new HashMap<>();
    Map<String, BigDecimal> window = new HashMap<>();
    for (BillingRow r : rows) {
      Instant h = r.usageStart().truncatedTo(ChronoUnit.HOURS);
      if (h.equals(latest)) {
        hour.merge(r.service(), r.netUsd(), BigDecimal::add);
      } else if (!h.isBefore(windowStart) && h.isBefore(latest)) {
        window.merge(r.service(), r.netUsd(), BigDecimal::add);
      }
    }
    BigDecimal minimumFor3x = threshold.divide(BigDecimal.valueOf(5), 10, RoundingMode.HALF_UP);
    List<BilledSummary.Spike> out = new ArrayList<>();
    hour.forEach((service, cost) -> {
      BigDecimal mean = window.getOrDefault(service, BigDecimal.ZERO).divide(HOURS_IN_WINDOW, 10, RoundingMode.HALF_UP);
      BigDecimal increase = cost.subtract(mean);
      boolean overThreshold = increase.compareTo(threshold) > 0;
      boolean tripled = mean.signum() > 0 && cost.compareTo(mean.multiply(THREE)) >= 0
          && increase.compareTo(minimumFor3x) >= 0;
      if (overThreshold || tripled) {
        out.add(new BilledSummary.Spike(service, latest, money(cost), money(mean), money(increase)));
      }
    });
    out.sort(Comparator.comparing(BilledSummary.Spike::increase).reversed());
    return List.copyOf(out);
  }

  private static void add(Map<String, BigDecimal[]> into, String key, BigDecimal month, BigDecimal today) {
    BigDecimal[] v = into.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
    v[0] = v[0].add(month);
    v[1] = v[1].add(today);
  }

  static BigDecimal money(BigDecimal v) {
    return v.setScale(6, RoundingMode.HALF_UP);
  }
}
