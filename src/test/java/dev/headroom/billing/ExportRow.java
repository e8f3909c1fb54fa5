package dev.headroom.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One row of a fake Cloud Billing export table, with the fields of the standard usage cost schema the reader selects
 * (service, sku, project, usage window, export_time, cost, currency, currency_conversion_rate, cost_type,
 * invoice.month, labels, credits).
 */
record ExportRow(
    String billingAccount,
    String serviceId,
    String service,
    String skuId,
    String sku,
    String projectId,
    String projectNumber,
    Instant usageStart,
    Instant usageEnd,
    Instant exportTime,
    String cost,
    String currency,
    String conversionRate,
    String costType,
    String invoiceMonth,
    Map<String, String> labels,
    List<Credit> credits) {

  /** One entry of {@code credits[]}: name, amount, full_name, id, type (the export's order). */
  record Credit(String name, String amount, String fullName, String id, String type) {}

  ExportRow shifted(java.time.Duration d) {
    return new ExportRow(billingAccount, serviceId, service, skuId, sku, projectId, projectNumber, usageStart.plus(d),
        usageEnd.plus(d), exportTime.plus(d), cost, currency, conversionRate, costType, invoiceMonth, labels, credits);
  }

  BillingRow asRead() {
    BigDecimal creditSum = credits.stream().map(c -> new BigDecimal(c.amount())).reduce(BigDecimal.ZERO,
        BigDecimal::add);
    return new BillingRow(service, sku, projectId == null ? "" : projectId, projectNumber == null ? "" : projectNumber,
        usageStart, usageEnd, exportTime, new BigDecimal(cost), creditSum, currency, new BigDecimal(conversionRate),
        costType, invoiceMonth, "headroom".equals(labels.get("managed-by")));
  }
}
