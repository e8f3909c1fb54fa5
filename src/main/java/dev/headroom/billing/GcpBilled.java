package dev.headroom.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The real GCP bill as one 2 s snapshot carries it (the {@code gcpBilled} object of the SSE stream and of
 * {@code cost --json}): US dollars net of credits. Money fields are {@code null} while nothing was read yet (never a
 * made-up $0); {@code errors} says why, one entry per failing source, each a sentence for the user.
 *
 * @param currency always {@code USD} (converted with {@code currency_conversion_rate})
 * @param today billed today (Pacific billing day)
 * @param monthToDate billed this invoice month
 * @param asOf the export watermark (latest {@code export_time} in the table), not the time of the read
 * @param fetchedAt when the export was read; {@code ageMinutes} how long ago
 * @param originalCurrency the account's own currency and {@code originalMonthToDate} the month in it
 * @param nowcast billed until the watermark + estimate of Headroom's VMs since; null without billed data
 */
public record GcpBilled(
    boolean configured,
    String currency,
    BigDecimal today,
    BigDecimal monthToDate,
    Instant asOf,
    Instant fetchedAt,
    Long ageMinutes,
    String originalCurrency,
    BigDecimal originalMonthToDate,
    List<BilledSummary.ServiceCost> byService,
    List<BilledSummary.ProjectCost> byProject,
    List<BilledSummary.SkuCost> topSkus,
    List<BilledSummary.GroupCost> groups,
    BigDecimal headroomMonthToDate,
    NowcastView nowcast,
    List<BudgetView> budgets,
    List<SpikeView> spikes,
    List<IdleVm> idleVms,
    List<Problem> errors) {

  /**
   * The joined figure.
   *
   * @param billedUntil the watermark; {@code estimatedSince} where the estimate of Headroom's VMs starts (null: none)
   */
  public record NowcastView(BigDecimal today, BigDecimal monthToDate, BigDecimal estimateToday,
      BigDecimal estimateMonth, Instant billedUntil, Instant estimatedSince) {}

  /** An account budget beside its billed spend this month. {@code thresholdPercents}: 50, 90, 100... */
  public record BudgetView(String name, BigDecimal amount, String currency, List<BigDecimal> thresholdPercents,
      BigDecimal spent, BigDecimal percent, String scope) {}

  /** A cost spike with its sentence ("Vertex AI +$8.40 in the hour from 11:00 ..."). */
  public record SpikeView(String service, Instant hour, BigDecimal hourCost, BigDecimal hourlyMean,
      BigDecimal increase, String message) {}

  /** A source that failed ({@code export}, {@code billingInfo}, {@code budgets}, {@code recommender}) and why. */
  public record Problem(String source, String message) {}

  /** Nothing read: only the reasons. */
  public static GcpBilled unavailable(boolean configured, List<Problem> errors, List<BudgetView> budgets,
      List<IdleVm> idle) {
    return new GcpBilled(configured, "USD", null, null, null, null, null, null, null, List.of(), List.of(),
        List.of(), List.of(), null, null, budgets, List.of(), idle, List.copyOf(errors));
  }

  /** The billed figures of {@code s} joined with the estimate {@code n} at {@code now}. */
  static GcpBilled of(BilledSummary s, Nowcast n, Instant now, List<BudgetView> budgets, List<IdleVm> idle,
      List<Problem> errors) {
    List<SpikeView> spikes = new ArrayList<>();
    for (BilledSummary.Spike k : s.spikes()) {
      spikes.add(new SpikeView(k.service(), k.hour(), k.hourCost(), k.hourlyMean(), k.increase(),
          k.message(ZoneId.systemDefault())));
    }
    return new GcpBilled(true, "USD", s.today(), s.monthToDate(), s.asOf(), s.fetchedAt(),
        Math.max(0, Duration.between(s.fetchedAt(), now).toMinutes()), s.currency(), s.monthToDateOriginal(),
        s.byService(), s.byProject(), s.topSkus(), s.groups(), s.headroomMonthToDate(),
        new NowcastView(n.today(), n.monthToDate(), n.estimateToday(), n.estimateMonth(), n.billedUntil(),
            n.estimatedSince().orElse(null)), budgets, List.copyOf(spikes), idle, List.copyOf(errors));
  }

  /** Budget use from the billed month (project-filtered budgets count only their projects). */
  static BudgetView budget(AccountBudget b, BilledSummary s) {
    BigDecimal spentUsd = s == null ? null : b.projectNumbers().isEmpty() ? s.monthToDate()
        : b.projectNumbers().stream().map(p -> s.monthByProjectNumber().getOrDefault(p, BigDecimal.ZERO))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal spent = spentUsd;
    if (spentUsd != null && !b.currency().equals("USD") && b.currency().equals(s.currency())
        && s.monthToDate().signum() != 0) {
      spent = spentUsd.multiply(s.monthToDateOriginal()).divide(s.monthToDate(), 6, RoundingMode.HALF_UP);
    } else if (spentUsd != null && !b.currency().equals("USD")) {
      spent = null; // a currency the export does not bill in: no honest figure
    }
    BigDecimal amount = b.amount().orElse(null);
    BigDecimal percent = spent == null || amount == null || amount.signum() == 0 ? null
        : spent.multiply(BigDecimal.valueOf(100)).divide(amount, 1, RoundingMode.HALF_UP);
    List<BigDecimal> thresholds = b.thresholds().stream()
        .map(t -> t.multiply(BigDecimal.valueOf(100)).setScale(0, RoundingMode.HALF_UP)).toList();
    String scope = b.projectNumbers().isEmpty() ? "whole billing account"
        : b.projectNumbers().size() + " project(s)";
    return new BudgetView(b.displayName().isBlank() ? b.name() : b.displayName(), amount, b.currency(), thresholds,
        spent == null ? null : spent.setScale(2, RoundingMode.HALF_UP), percent, scope);
  }
}
