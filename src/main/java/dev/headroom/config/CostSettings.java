package dev.headroom.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Budgets and cost inputs.
 *
 * @param dailyBudgetUsd daily budget for LLM + GCP, in USD
 * @param monthlyBudgetUsd monthly budget for LLM + GCP, in USD
 * @param priceBookPath optional user price book (community price-sheet JSON) overriding the bundled one
 * @param usageLogPath optional JSONL file of LLM usage events to tail
 * @param priceBookUrl optional http(s) URL of a price sheet refreshed daily (opt-in; empty = never download)
 * @param spikeThresholdUsd a service's billed cost in the latest hour this far above its 7-day hourly mean alerts
 * @param serviceGroups optional named groups of billed services ({@code "ai_ml": ["Vertex AI"]}) shown as subtotals
 */
public record CostSettings(
    BigDecimal dailyBudgetUsd,
    BigDecimal monthlyBudgetUsd,
    String priceBookPath,
    String usageLogPath,
    String priceBookUrl,
    BigDecimal spikeThresholdUsd,
    Map<String, List<String>> serviceGroups) {

  /** Without a price-book URL or the billing-export settings ($5/h spike threshold, no service groups). */
  public CostSettings(BigDecimal dailyBudgetUsd, BigDecimal monthlyBudgetUsd, String priceBookPath,
      String usageLogPath) {
    this(dailyBudgetUsd, monthlyBudgetUsd, priceBookPath, usageLogPath, "");
  }

  /** Without the billing-export settings ($5/h spike threshold, no service groups). */
  public CostSettings(BigDecimal dailyBudgetUsd, BigDecimal monthlyBudgetUsd, String priceBookPath,
      String usageLogPath, String priceBookUrl) {
    this(dailyBudgetUsd, monthlyBudgetUsd, priceBookPath, usageLogPath, priceBookUrl, BigDecimal.valueOf(5),
        Map.of());
  }
}
