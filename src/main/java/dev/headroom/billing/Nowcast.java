package dev.headroom.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The GCP figure of a 2 s snapshot: billed actuals up to the export watermark plus Headroom's per-second estimate of
 * its own VMs for the time the export does not hold yet. A Headroom VM is counted once: for every hour the export has
 * rows labelled {@code managed-by=headroom}, those billed rows replace the estimate; the estimate covers only the
 * other hours. Pure: tested without I/O.
 *
 * @param today billed today (Pacific billing day) + estimate of today's unbilled VM time
 * @param monthToDate billed this invoice month + estimate of this month's unbilled VM time
 * @param estimateToday the estimated part of {@code today}
 * @param estimateMonth the estimated part of {@code monthToDate}
 * @param billedUntil the export watermark (latest {@code export_time})
 * @param estimatedSince where the estimate of Headroom's VMs starts: the end of their last billed hour, or the start
 *     of the earliest unbilled VM time; empty when no VM time is estimated
 */
public record Nowcast(
    BigDecimal today,
    BigDecimal monthToDate,
    BigDecimal estimateToday,
    BigDecimal estimateMonth,
    Instant billedUntil,
    Optional<Instant> estimatedSince) {

  private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000);

  /** One Headroom VM's runtime and estimated $/h ({@code end} is now for a running VM). */
  public record VmEstimate(String name, Instant start, Instant end, BigDecimal perHour) {}

  /** Joins {@code billed} and the estimates of {@code vms} at {@code now}. */
  public static Nowcast of(BilledSummary billed, List<VmEstimate> vms, Instant now) {
    LocalDate day = LocalDate.ofInstant(now, BillingAggregator.BILLING_ZONE);
    Instant dayStart = day.atStartOfDay(BillingAggregator.BILLING_ZONE).toInstant();
    Instant monthStart = day.withDayOfMonth(1).atStartOfDay(BillingAggregator.BILLING_ZONE).toInstant();
    Set<Instant> covered = new HashSet<>(billed.headroomHours());
    BigDecimal estToday = BigDecimal.ZERO;
    BigDecimal estMonth = BigDecimal.ZERO;
    Instant since = null;
    for (VmEstimate vm : vms) {
      Instant end = vm.end().isAfter(now) ? now : vm.end();
      // Walk the VM's runtime hour by hour; billed hours are skipped (their cost is in the export).
      Instant from = vm.start();
      while (from.isBefore(end)) {
        Instant hour = from.truncatedTo(ChronoUnit.HOURS);
        Instant to = hour.plus(Duration.ofHours(1));
        if (to.isAfter(end)) {
          to = end;
        }
        if (!covered.contains(hour)) {
          estMonth = estMonth.add(accrued(vm.perHour(), later(from, monthStart), to));
          estToday = estToday.add(accrued(vm.perHour(), later(from, dayStart), to));
          if (to.isAfter(monthStart) && (since == null || from.isBefore(since))) {
            since = later(from, monthStart);
          }
        }
        from = to;
      }
    }
    return new Nowcast(BillingAggregator.money(billed.today().add(estToday)),
        BillingAggregator.money(billed.monthToDate().add(estMonth)), BillingAggregator.money(estToday),
        BillingAggregator.money(estMonth), billed.asOf(), Optional.ofNullable(since));
  }

  private static BigDecimal accrued(BigDecimal perHour, Instant from, Instant to) {
    if (!to.isAfter(from)) {
      return BigDecimal.ZERO;
    }
    return perHour.multiply(BigDecimal.valueOf(Duration.between(from, to).toMillis()))
        .divide(MILLIS_PER_HOUR, 10, RoundingMode.HALF_UP);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
