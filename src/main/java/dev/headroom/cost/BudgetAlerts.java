package dev.headroom.cost;

/** Told once per period when spend crosses 50, 90 and 100 % of the daily or monthly budget. */
@FunctionalInterface
public interface BudgetAlerts {
  /**
   * @param period "daily" or "monthly"
   * @param percent 50, 90 or 100
   */
  void crossed(String period, int percent, CostSnapshot.Budget budget);
}
