package dev.headroom.ui.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.cost.BudgetLevel;
import dev.headroom.cost.CostSnapshot;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cost tab's figures, without JavaFX. */
class CostViewModelTest {

  private static CostSnapshot snapshot(Instant t, String month, String burn, List<CostSnapshot.ModelCost> models) {
    CostSnapshot.Budget b = new CostSnapshot.Budget(new BigDecimal("10.00"), BigDecimal.ONE, BigDecimal.TEN, BudgetLevel.OK);
    return new CostSnapshot(t, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
        new BigDecimal(month), new BigDecimal(burn), BigDecimal.ZERO, b, b, models, List.of(), 0);
  }

  @Test
  void forecastAtTheBurnRateCarriesTheRateToTheMonthEnd() {
    // 30 Nov 2026 12:00 UTC: 12 hours left in November.
    CostSnapshot s = snapshot(Instant.parse("2026-11-30T12:00:00Z"), "13.88", "2.00", List.of());
    assertThat(CostViewModel.atBurnRate(s, ZoneOffset.UTC)).isEqualByComparingTo("37.88");
  }

  @Test
  void unpricedModelsComeFirstThenByCost() {
    var cheap = new CostSnapshot.ModelCost("openai", "gpt-4o-mini", 3, 1, 0, 1, 0, new BigDecimal("0.01"), 0);
    var dear = new CostSnapshot.ModelCost("openai", "gpt-4o", 3, 1, 0, 1, 0, new BigDecimal("2.50"), 0);
    var unknown = new CostSnapshot.ModelCost("acme", "mystery", 1, 1, 0, 1, 0, BigDecimal.ZERO, 1);
    assertThat(CostViewModel.unpricedFirst(List.of(cheap, dear, unknown))).containsExactly(unknown, dear, cheap);
  }

  @Test
  void budgetTextUsesMoneyAndPercentWords() {
    var b = new CostSnapshot.Budget(new BigDecimal("10.00"), new BigDecimal("0.0035"), new BigDecimal("0.0"), BudgetLevel.OK);
    assertThat(CostViewModel.budgetText("Daily budget", b)).matches("Daily budget: \\$0.0035 of \\$10.00 \\(0 %\\)");
    var none = new CostSnapshot.Budget(new BigDecimal("0.00"), new BigDecimal("1.5"), BigDecimal.ZERO, BudgetLevel.OK);
    assertThat(CostViewModel.budgetText("Daily budget", none)).isEqualTo("Daily budget: none set ($1.50 spent)");
  }

  @Test
  void theMoneyAxisStartsAtZeroAndNeverMagnifiesFractionsOfACent() {
    assertThat(CostViewModel.axisFor(0.00006)).isEqualTo(0.05);
    assertThat(CostViewModel.axisFor(0)).isEqualTo(0.05);
    assertThat(CostViewModel.axisFor(13.88)).isEqualTo(20.0);
    assertThat(CostViewModel.axisFor(0.8)).isEqualTo(1.0);
  }

  @Test
  void rangesStartAtLocalMidnight() {
    Instant now = Instant.parse("2026-11-23T15:30:00Z");
    assertThat(CostRange.TODAY.from(now, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(CostRange.WEEK.from(now, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-11-17T00:00:00Z"));
    assertThat(CostRange.MONTH.from(now, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
  }
}
