package dev.headroom.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NowcastTest {
  private static final BilledSummary BILLED = BillingAggregator.summarize(
      BillingFixture.usdMonth().stream().map(ExportRow::asRead).toList(), BillingFixture.NOW, Map.of(),
      new BigDecimal("5"));

  @Test
  void straddlingHeadroomVmIsCountedOnce() {
    Nowcast n = Nowcast.of(BILLED, List.of(new Nowcast.VmEstimate("headroom-1", BillingFixture.VM_START,
        BillingFixture.NOW, new BigDecimal(BillingFixture.VM_RATE))), BillingFixture.NOW);

    // 17:00-19:00 billed (0.076 in the export); only 19:00-20:30 estimated: 1.5 h x $0.04 = $0.06.
    assertThat(n.estimateToday()).isEqualByComparingTo("0.06");
    assertThat(n.today()).isEqualByComparingTo("8.66725");
    assertThat(n.monthToDate()).isEqualByComparingTo("120.170582");
    assertThat(n.billedUntil()).isEqualTo(BillingFixture.WATERMARK);
    assertThat(n.estimatedSince()).contains(Instant.parse("2026-11-23T19:00:00Z"));
  }

  @Test
  void withoutVmsTheNowcastIsTheBill() {
    Nowcast n = Nowcast.of(BILLED, List.of(), BillingFixture.NOW);

    assertThat(n.today()).isEqualByComparingTo(BillingFixture.TODAY);
    assertThat(n.monthToDate()).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(n.estimatedSince()).isEmpty();
  }

  @Test
  void vmTimeBeforeTheBillingDayCountsInTheMonthOnly() {
    Nowcast n = Nowcast.of(BILLED, List.of(new Nowcast.VmEstimate("old", Instant.parse("2026-11-22T06:00:00Z"),
        Instant.parse("2026-11-22T08:00:00Z"), new BigDecimal("1"))), BillingFixture.NOW);

    assertThat(n.estimateMonth()).isEqualByComparingTo("2");
    assertThat(n.estimateToday()).isZero();
  }
}
