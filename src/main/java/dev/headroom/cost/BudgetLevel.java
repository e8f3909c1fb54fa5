package dev.headroom.cost;

import java.math.BigDecimal;

/**
 * How much of a budget is used, lowest first. Its {@link #name()} is what the JSON ({@code "level":"WARN_90"}), the
 * {@code cost} CLI verb and the UI show, so the constants must not be renamed.
 */
public enum BudgetLevel {
  /** Under half the budget (or no budget set). */
  OK,
  /** At least 50 %. */
  WARN_50,
  /** At least 90 %. */
  WARN_90,
  /** 100 % or more. */
  OVER;

  private static final BigDecimal FIFTY = BigDecimal.valueOf(50);
  private static final BigDecimal NINETY = BigDecimal.valueOf(90);
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  /** The level for {@code percent} of the budget used. */
  public static BudgetLevel of(BigDecimal percent) {
    return percent.compareTo(HUNDRED) >= 0 ? OVER
        : percent.compareTo(NINETY) >= 0 ? WARN_90
        : percent.compareTo(FIFTY) >= 0 ? WARN_50 : OK;
  }
}
