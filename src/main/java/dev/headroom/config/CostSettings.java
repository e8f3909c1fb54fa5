package dev.headroom.config;

import java.math.BigDecimal;

/**
 * Budgets and cost inputs.
 *
 * @param dailyBudgetUsd daily budget for LLM + GCP, in USD
 * @param monthlyBudgetUsd monthly budget for LLM + GCP, in USD
 * @param priceBookPath optional user price book (community price-sheet JSON) overriding the bundled one
 * @param usageLogPath optional JSONL file of LLM usage events to tail
 * @param priceBookUrl optional http(s) URL of a price sheet refreshed daily (opt-in; empty = never download)
 */
public record CostSettings(
    BigDecimal dailyBudgetUsd,
    BigDecimal monthlyBudgetUsd,
    String priceBookPath,
    String usageLogPath,
    String priceBookUrl) {

  /** Without a price-book URL. */
  public CostSettings(BigDecimal dailyBudgetUsd, BigDecimal monthlyBudgetUsd, String priceBookPath,
      String usageLogPath) {
    this(dailyBudgetUsd, monthlyBudgetUsd, priceBookPath, usageLogPath, "");
  }
}
