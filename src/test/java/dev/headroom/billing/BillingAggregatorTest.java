package dev.headroom.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BillingAggregatorTest {
  private static final BigDecimal FIVE = new BigDecimal("5");

  private static BilledSummary usd() {
    return BillingAggregator.summarize(BillingFixture.usdMonth().stream().map(ExportRow::asRead).toList(),
        BillingFixture.NOW, Map.of("ai_ml", List.of("Vertex AI"), "storage", List.of("Cloud Storage", "BigQuery")),
        FIVE);
  }

  @Test
  void monthToDateIsTheInvoiceMonthNetOfCreditsAcrossEveryCostType() {
    BilledSummary s = usd();

    assertThat(s.monthToDate()).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(s.invoiceMonth()).isEqualTo("202611");
    assertThat(s.currency()).isEqualTo("USD");
  }

  @Test
  void todayIsThePacificBillingDay() {
    BilledSummary s = usd();

    // 00:00 Pacific (08:00 UTC) counts; 23:00 Pacific the day before (07:00 UTC, same UTC date) does not.
    assertThat(s.today()).isEqualByComparingTo(BillingFixture.TODAY);
    assertThat(s.day()).isEqualTo("2026-11-23");
  }

  @Test
  void byServiceKeepsTaxUnderItsServiceAndAddsUpToTheMonth() {
    BilledSummary s = usd();

    assertThat(s.byService()).extracting(BilledSummary.ServiceCost::service)
        .containsExactly("Vertex AI", "Support", "Compute Engine", "Cloud Storage", "BigQuery");
    assertThat(s.byService().get(0).monthToDate()).isEqualByComparingTo("73.15");
    assertThat(s.byService().get(0).today()).isEqualByComparingTo("8.50");
    assertThat(s.byService().get(2).monthToDate()).isEqualByComparingTo("16.941678");
    assertThat(s.byService().stream().map(BilledSummary.ServiceCost::monthToDate).reduce(BigDecimal.ZERO,
        BigDecimal::add)).isEqualByComparingTo(BillingFixture.MONTH);
  }

  @Test
  void byProjectLeavesOutRowsWithoutAProject() {
    BilledSummary s = usd();

    assertThat(s.byProject()).extracting(BilledSummary.ProjectCost::project).containsExactly("acme-ml", "acme-dev");
    assertThat(s.byProject().get(0).monthToDate()).isEqualByComparingTo("73.15");
    assertThat(s.byProject().get(1).monthToDate()).isEqualByComparingTo("17.960582");
    assertThat(s.monthByProjectNumber()).containsEntry("222222222222", new BigDecimal("73.150000"));
  }

  @Test
  void topSkusGroupsAndHeadroomLabel() {
    BilledSummary s = usd();

    assertThat(s.topSkus().get(0).sku()).isEqualTo("Gemini 2.5 Pro Input Tokens");
    assertThat(s.topSkus().get(0).monthToDate()).isEqualByComparingTo("69.30");
    assertThat(s.groups()).extracting(BilledSummary.GroupCost::group).containsExactlyInAnyOrder("ai_ml", "storage");
    assertThat(s.groups().stream().filter(g -> g.group().equals("storage")).findFirst().orElseThrow().monthToDate())
        .isEqualByComparingTo("1.018904");
    assertThat(s.headroomMonthToDate()).isEqualByComparingTo("0.076");
    assertThat(s.headroomHours()).containsExactly(Instant.parse("2026-11-23T17:00:00Z"),
        Instant.parse("2026-11-23T18:00:00Z"));
  }

  @Test
  void watermarkIsTheLatestExportTime() {
    assertThat(usd().asOf()).isEqualTo(BillingFixture.WATERMARK);
  }

  @Test
  void nonUsdAccountIsConvertedWithTheRateAndKeepsItsOriginalTotal() {
    BilledSummary s = BillingAggregator.summarize(BillingFixture.eurMonth().stream().map(ExportRow::asRead).toList(),
        BillingFixture.NOW, Map.of(), FIVE);

    assertThat(s.monthToDate()).isEqualByComparingTo("16.50");
    assertThat(s.monthToDateOriginal()).isEqualByComparingTo("15.18");
    assertThat(s.currency()).isEqualTo("EUR");
    assertThat(s.today()).isEqualByComparingTo("9.50");
  }

  @Test
  void spikeIsTheLatestHourAgainstTheTrailingSevenDayMean() {
    BilledSummary s = usd();

    assertThat(s.spikes()).hasSize(1);
    BilledSummary.Spike spike = s.spikes().get(0);
    assertThat(spike.service()).isEqualTo("Vertex AI");
    assertThat(spike.hour()).isEqualTo(Instant.parse("2026-11-23T19:00:00Z"));
    assertThat(spike.hourCost()).isEqualByComparingTo("8.50");
    assertThat(spike.hourlyMean()).isEqualByComparingTo("0.10"); // 16.80 over 168 hours
    assertThat(spike.increase()).isEqualByComparingTo("8.40");
    assertThat(spike.message(BillingAggregator.BILLING_ZONE))
        .isEqualTo("Vertex AI +$8.40 in the hour from 11:00 (7-day mean $0.10/h)");
  }

  @Test
  void smallIncreaseBelowThresholdIsNoSpikeButTriplingAMeaningfulMeanIs() {
    assertThat(BillingAggregator.spikes(List.of(row("Cloud Run", "2026-11-20T10:00:00Z", "168"),
        row("Cloud Run", "2026-11-23T19:00:00Z", "2.9")), FIVE)).isEmpty(); // +$1.90, 2.9x: neither rule
    assertThat(BillingAggregator.spikes(List.of(row("Cloud Run", "2026-11-23T19:00:00Z", "0.9")), FIVE))
        .isEmpty(); // new spend under the threshold
    List<BillingRow> rows = List.of(row("Cloud Run", "2026-11-20T10:00:00Z", "168"),
        row("Cloud Run", "2026-11-23T19:00:00Z", "3.5"));
    // mean $1/h, latest $3.50: +$2.50 is under the $5 threshold but 3.5x the mean and over $1 (a fifth of it).
    assertThat(BillingAggregator.spikes(rows, FIVE)).extracting(BilledSummary.Spike::service)
        .containsExactly("Cloud Run");
  }

  private static BillingRow row(String service, String start, String cost) {
    Instant s = Instant.parse(start);
    return new BillingRow(service, "sku", "p", "1", s, s.plusSeconds(3600), s.plusSeconds(7200), new BigDecimal(cost),
        BigDecimal.ZERO, "USD", BigDecimal.ONE, "regular", "202611", false);
  }
}
