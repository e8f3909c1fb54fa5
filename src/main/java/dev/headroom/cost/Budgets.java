package dev.headroom.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget use and alerts: a {@link CostSnapshot.Budget} from a limit and the spend, and each threshold of each
 * period (a day, a month) told to the {@link BudgetAlerts} once.
 */
final class Budgets {
  private static final Logger LOG = LoggerFactory.getLogger(Budgets.class);
  private static final int[] THRESHOLDS = {50, 90, 100};

  /** The budget periods, as told to {@link BudgetAlerts}. */
  enum Period {
    DAILY("daily"), MONTHLY("monthly");

    final String label;

    Period(String label) {
      this.label = label;
    }
  }

  private final BudgetAlerts alerts;
  private final Set<String> fired = new HashSet<>();

  Budgets(BudgetAlerts alerts) {
    this.alerts = alerts;
  }

  static CostSnapshot.Budget budget(BigDecimal limit, BigDecimal spent) {
    if (limit.signum() == 0) {
      return new CostSnapshot.Budget(limit.setScale(2, RoundingMode.HALF_UP), CostEngine.money(spent),
          BigDecimal.ZERO, BudgetLevel.OK);
    }
    BigDecimal percent = spent.multiply(BigDecimal.valueOf(100)).divide(limit, 1, RoundingMode.HALF_UP);
    return new CostSnapshot.Budget(limit.setScale(2, RoundingMode.HALF_UP), CostEngine.money(spent), percent,
        BudgetLevel.of(percent));
  }

  /** Tells the listener about each threshold {@code b} has crossed for the first time in period {@code key}. */
  void check(Period period, String key, CostSnapshot.Budget b) {
    if (b.limit().signum() == 0) {
      return;
    }
    for (int t : THRESHOLDS) {
      if (b.percent().compareTo(BigDecimal.valueOf(t)) >= 0) {
        boolean first;
        synchronized (this) {
          first = fired.add(period.label + ":" + key + ":" + t);
        }
        if (first) {
          LOG.info("Budget alert: {} budget at {} % ({} of {})", period.label, t, b.spent(), b.limit());
          alerts.crossed(period.label, t, b);
        }
      }
    }
  }
}
