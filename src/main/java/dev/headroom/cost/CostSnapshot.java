package dev.headroom.cost;

import dev.headroom.billing.GcpBilled;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Spend at one instant, recomputed every two seconds. GCP figures are estimates (catalog price x uptime) unless the
 * billing export is configured: then they are the nowcast of {@link GcpBilled} (billed actuals up to the export's
 * watermark, which lags by hours, plus the estimate of Headroom's VMs since).
 *
 * @param burnRatePerHour LLM spend of the last 10 minutes scaled to an hour, plus the running VMs' $/h
 * @param monthForecast month to date extrapolated at this month's average daily spend
 * @param unpricedCallsToday LLM calls today whose model is missing from the price book (not counted as $0)
 * @param gcpBilled the real bill from the Cloud Billing export (issue 13); when it has billed figures,
 *     {@code gcpToday}/{@code gcpMonth} are its nowcast (billed until the watermark + estimate since)
 */
public record CostSnapshot(
    Instant time,
    BigDecimal llmToday,
    BigDecimal llmMonth,
    BigDecimal gcpToday,
    BigDecimal gcpMonth,
    BigDecimal totalToday,
    BigDecimal totalMonth,
    BigDecimal burnRatePerHour,
    BigDecimal monthForecast,
    Budget daily,
    Budget monthly,
    List<ModelCost> models,
    List<VmCost> vms,
    long unpricedCallsToday,
    GcpBilled gcpBilled) {

  /** A snapshot without the billing export (tests and tools that only need the estimate). */
  public CostSnapshot(Instant time, BigDecimal llmToday, BigDecimal llmMonth, BigDecimal gcpToday, BigDecimal gcpMonth,
      BigDecimal totalToday, BigDecimal totalMonth, BigDecimal burnRatePerHour, BigDecimal monthForecast, Budget daily,
      Budget monthly, List<ModelCost> models, List<VmCost> vms, long unpricedCallsToday) {
    this(time, llmToday, llmMonth, gcpToday, gcpMonth, totalToday, totalMonth, burnRatePerHour, monthForecast, daily,
        monthly, models, vms, unpricedCallsToday, GcpBilled.unavailable(false, List.of(), List.of(), List.of()));
  }

  /** Budget use; {@code level} serializes as its name (OK, WARN_50, WARN_90 or OVER). */
  public record Budget(BigDecimal limit, BigDecimal spent, BigDecimal percent, BudgetLevel level) {
    public Budget {
      java.util.Objects.requireNonNull(level, "level");
    }
  }

  /** LLM spend of one model today. {@code unpriced} counts calls the price book could not price. */
  public record ModelCost(String provider, String model, long calls, long inputTokens, long cachedTokens,
      long outputTokens, long reasoningTokens, BigDecimal cost, long unpriced) {}

  /** One VM's estimated cost. */
  public record VmCost(String name, String machineType, BigDecimal perHour, BigDecimal costSoFar, boolean running,
      boolean priced) {}
}
