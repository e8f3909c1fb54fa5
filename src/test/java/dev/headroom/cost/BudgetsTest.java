package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Budget levels at each threshold, rounding of the percentage, and alerts once per period and threshold. */
class BudgetsTest {
  private final List<String> alerts = new CopyOnWriteArrayList<>();
  private final Budgets budgets = new Budgets((period, percent, b) -> alerts.add(period + ":" + percent + ":"
      + b.percent().toPlainString()));

  @Test
  void levelsChangeExactlyAtFiftyNinetyAndOneHundredPercent() {
    assertThat(BudgetLevel.of(new BigDecimal("0"))).isEqualTo(BudgetLevel.OK);
    assertThat(BudgetLevel.of(new BigDecimal("49.9"))).isEqualTo(BudgetLevel.OK);
    assertThat(BudgetLevel.of(new BigDecimal("50.0"))).isEqualTo(BudgetLevel.WARN_50);
    assertThat(BudgetLevel.of(new BigDecimal("89.9"))).isEqualTo(BudgetLevel.WARN_50);
    assertThat(BudgetLevel.of(new BigDecimal("90"))).isEqualTo(BudgetLevel.WARN_90);
    assertThat(BudgetLevel.of(new BigDecimal("99.9"))).isEqualTo(BudgetLevel.WARN_90);
    assertThat(BudgetLevel.of(new BigDecimal("100"))).isEqualTo(BudgetLevel.OVER);
    assertThat(BudgetLevel.of(new BigDecimal("250.5"))).isEqualTo(BudgetLevel.OVER);
  }

  @Test
  void aBudgetShowsTheLimitInCentsTheSpentInMicrosAndThePercentToOneDecimal() {
    CostSnapshot.Budget b = Budgets.budget(new BigDecimal("3"), new BigDecimal("1.0000004"));

    assertThat(b.limit()).isEqualTo(new BigDecimal("3.00"));
    assertThat(b.spent()).isEqualTo(new BigDecimal("1.000000"));
    assertThat(b.percent()).isEqualTo(new BigDecimal("33.3"));
    assertThat(b.level()).isEqualTo(BudgetLevel.OK);
  }

  @Test
  void thePercentRoundsHalfUpSoJustUnderFiftyIsAlreadyAWarning() {
    CostSnapshot.Budget b = Budgets.budget(new BigDecimal("4"), new BigDecimal("1.998"));

    assertThat(b.percent()).isEqualTo(new BigDecimal("50.0")); // 49.95 -> 50.0
    assertThat(b.level()).isEqualTo(BudgetLevel.WARN_50);
    assertThat(Budgets.budget(new BigDecimal("4"), new BigDecimal("1.9979")).level()).isEqualTo(BudgetLevel.OK);
  }

  @Test
  void aZeroLimitMeansNoBudgetNeverAWarning() {
    CostSnapshot.Budget b = Budgets.budget(BigDecimal.ZERO, new BigDecimal("12.3456789"));

    assertThat(b.limit()).isEqualTo(new BigDecimal("0.00"));
    assertThat(b.spent()).isEqualTo(new BigDecimal("12.345679"));
    assertThat(b.percent()).isEqualByComparingTo("0");
    assertThat(b.level()).isEqualTo(BudgetLevel.OK);
    budgets.check(Budgets.Period.DAILY, "2026-11-23", new CostSnapshot.Budget(BigDecimal.ZERO, BigDecimal.TEN,
        new BigDecimal("500"), BudgetLevel.OVER));
    assertThat(alerts).isEmpty();
  }

  @Test
  void eachThresholdFiresOncePerPeriodAndKey() {
    budgets.check(Budgets.Period.DAILY, "2026-11-23", Budgets.budget(new BigDecimal("10"), new BigDecimal("4.99")));
    assertThat(alerts).isEmpty();

    budgets.check(Budgets.Period.DAILY, "2026-11-23", Budgets.budget(new BigDecimal("10"), new BigDecimal("5")));
    budgets.check(Budgets.Period.DAILY, "2026-11-23", Budgets.budget(new BigDecimal("10"), new BigDecimal("9.5")));
    budgets.check(Budgets.Period.DAILY, "2026-11-23", Budgets.budget(new BigDecimal("10"), new BigDecimal("9.9")));
    assertThat(alerts).containsExactly("daily:50:50.0", "daily:90:95.0");

    budgets.check(Budgets.Period.DAILY, "2026-11-23", Budgets.budget(new BigDecimal("10"), new BigDecimal("10")));
    budgets.check(Budgets.Period.DAILY, "2026-11-23", Budgets.budget(new BigDecimal("10"), new BigDecimal("30")));
    assertThat(alerts).containsExactly("daily:50:50.0", "daily:90:95.0", "daily:100:100.0");
  }

  @Test
  void aNewDayOrTheOtherPeriodFiresAgain() {
    CostSnapshot.Budget over = Budgets.budget(new BigDecimal("10"), new BigDecimal("12"));
    budgets.check(Budgets.Period.DAILY, "2026-11-23", over);
    budgets.check(Budgets.Period.DAILY, "2026-11-24", over);
    budgets.check(Budgets.Period.MONTHLY, "2026-11-23", over);

    assertThat(alerts).containsExactly("daily:50:120.0", "daily:90:120.0", "daily:100:120.0",
        "daily:50:120.0", "daily:90:120.0", "daily:100:120.0",
        "monthly:50:120.0", "monthly:90:120.0", "monthly:100:120.0");
  }
}
