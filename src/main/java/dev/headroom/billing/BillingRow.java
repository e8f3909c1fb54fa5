package dev.headroom.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * One line of the Cloud Billing export as read: {@code cost} and {@code credits} (the sum of {@code credits[].amount},
 * negative) are in the account's {@code currency}; {@code conversionRate} is the export's
 * {@code currency_conversion_rate} (local currency per US dollar, 1 for USD accounts).
 *
 * @param projectId {@code project.id}, empty for rows without a project (support, some taxes)
 * @param projectNumber {@code project.number}, empty likewise
 * @param headroom the row carries the label {@code managed-by=headroom}
 */
public record BillingRow(
    String service,
    String sku,
    String projectId,
    String projectNumber,
    Instant usageStart,
    Instant usageEnd,
    Instant exportTime,
    BigDecimal cost,
    BigDecimal credits,
    String currency,
    BigDecimal conversionRate,
    String costType,
    String invoiceMonth,
    boolean headroom) {

  /** Cost net of credits, in the account's currency. */
  public BigDecimal net() {
    return cost.add(credits);
  }

  /** Cost net of credits in US dollars ({@code net / currency_conversion_rate}). */
  public BigDecimal netUsd() {
    if (conversionRate.signum() == 0 || conversionRate.compareTo(BigDecimal.ONE) == 0) {
      return net();
    }
    return net().divide(conversionRate, 10, RoundingMode.HALF_UP);
  }
}
