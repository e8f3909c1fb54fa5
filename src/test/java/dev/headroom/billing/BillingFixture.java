package dev.headroom.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed month of billing export rows (November 2026, read at {@link #NOW} = 12:30 Pacific on the 23rd) whose sums
 * the tests assert to the cent. Hand-added totals, in USD net of credits:
 *
 * <pre>
 *  #  service        project   usage (UTC)        cost        credits   type        net
 *  1  Compute Engine acme-dev  11-05 10:00      12.345678   -2.000000  regular    10.345678
 *  2  Vertex AI      acme-ml   11-12 14:00      48.120000   -4.120000  regular    44.000000
 *  3  Cloud Storage  acme-dev  11-20 00:00       0.987654               regular     0.987654
 *  4  Vertex AI      acme-ml   11-12 14:00       3.850000               tax         3.850000
 *  5  Compute Engine acme-dev  11-05 10:00      -1.250000               adjustment -1.250000
 *  6  Support        (none)    11-01 07:00      29.000000               regular    29.000000
 *  7  Vertex AI      acme-ml   11-20 10:00      16.800000               regular    16.800000
 *  8-11 Compute Engine (Headroom VM, managed-by=headroom) 11-23 17:00 and 18:00, core 0.02 + RAM 0.018 an hour = 0.076
 * 12  Vertex AI      acme-ml   11-23 19:00       9.000000   -0.500000  regular     8.500000   (watermark 20:14:09)
 * 13  BigQuery       acme-dev  11-23 08:00       0.031250               regular     0.031250   (00:00 Pacific: today)
 * 14  Compute Engine acme-dev  11-23 07:00       7.770000               regular     7.770000   (23:00 Pacific: yesterday)
 * 15  Compute Engine acme-dev  10-31 22:00       5.550000   invoice 202610: not this month, outside the spike window
 *
 *  month to date 120.110582   today (Pacific) 8.607250
 *  by service: Vertex AI 73.15, Support 29, Compute Engine 16.941678, Cloud Storage 0.987654, BigQuery 0.03125
 *  by project: acme-ml 73.15, acme-dev 17.960582 (Support has no project)
 * </pre>
 *
 * The Headroom VM ran from 17:00 UTC to {@link #NOW} at $0.04/h estimated: 17:00-19:00 is billed (0.076), so the
 * nowcast adds only 19:00-20:30 = 1.5 h x 0.04 = 0.06, never the whole 3.5 h.
 */
public final class BillingFixture {
  public static final Instant NOW = Instant.parse("2026-11-23T20:30:00Z");
  public static final String TABLE = "acme-billing.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9";
  public static final String EUR_TABLE = "acme-billing.billing_export.gcp_billing_export_v1_0E0000_000000_000000";
  public static final String ACCOUNT = "01A2B3-C4D5E6-F7A8B9";
  public static final String MONTH = "120.110582";
  public static final String TODAY = "8.607250";
  public static final Instant VM_START = Instant.parse("2026-11-23T17:00:00Z");
  public static final String VM_RATE = "0.04";
  public static final Instant WATERMARK = Instant.parse("2026-11-23T20:14:09Z");

  private BillingFixture() {}

  static List<ExportRow> usdMonth() {
    List<ExportRow> rows = new ArrayList<>();
    String ce = "6F81-5844-456A";
    String vertex = "C7E2-9256-1C43";
    rows.add(row(ce, "Compute Engine", "CP3F-1A2B-3C4D", "E2 Instance Core running in Americas", "acme-dev",
        "111111111111", "2026-11-05T10:00:00Z", "2026-11-05T16:12:07Z", "12.345678", "regular", "202611", Map.of(),
        List.of(new ExportRow.Credit("Free tier", "-2.0", "Free tier usage", "FreeTier", "FREE_TIER"))));
    rows.add(row(vertex, "Vertex AI", "A1B2-C3D4-E5F6", "Gemini 2.5 Pro Input Tokens", "acme-ml", "222222222222",
        "2026-11-12T14:00:00Z", "2026-11-12T20:03:00Z", "48.12", "regular", "202611", Map.of(), List.of(
            new ExportRow.Credit("Committed use discount", "-3.5", "Committed use discount: Vertex AI",
                "CommittedUsageDiscount:1", "COMMITTED_USAGE_DISCOUNT"),
            new ExportRow.Credit("Trial credit", "-0.62", "Free trial credit", "Promotion:12345", "PROMOTION"))));
    rows.add(row("95FF-2EF5-5EA1", "Cloud Storage", "E5F0-6A5D-7BAD", "Standard Storage US Multi-region", "acme-dev",
        "111111111111", "2026-11-20T00:00:00Z", "2026-11-20T06:00:00Z", "0.987654", "regular", "202611", Map.of(),
        List.of()));
    rows.add(row(vertex, "Vertex AI", "0000-0000-7A3E", "Tax", "acme-ml", "222222222222", "2026-11-12T14:00:00Z",
        "2026-11-12T20:03:00Z", "3.85", "tax", "202611", Map.of(), List.of()));
    rows.add(row(ce, "Compute Engine", "CP3F-1A2B-3C4D", "E2 Instance Core running in Americas", "acme-dev",
        "111111111111", "2026-11-05T10:00:00Z", "2026-11-18T09:00:00Z", "-1.25", "adjustment", "202611", Map.of(),
        List.of()));
    rows.add(row("2062-016F-44A2", "Support", "1F49-0A9C-3F55", "Standard support", null, null,
        "2026-11-01T07:00:00Z", "2026-11-02T07:00:00Z", "29.0", "regular", "202611", Map.of(), List.of()));
    rows.add(row(vertex, "Vertex AI", "A1B2-C3D4-E5F6", "Gemini 2.5 Pro Input Tokens", "acme-ml", "222222222222",
        "2026-11-20T10:00:00Z", "2026-11-20T15:40:00Z", "16.8", "regular", "202611", Map.of(), List.of()));
    Map<String, String> headroom = new LinkedHashMap<>();
    headroom.put("managed-by", "headroom");
    headroom.put("headroom-session", "s-1a2b3c4d");
    for (String hour : List.of("2026-11-23T17:00:00Z", "2026-11-23T18:00:00Z")) {
      rows.add(row(ce, "Compute Engine", "7F1E-AE2C-1A7B", "Spot Preemptible E2 Instance Core running in Americas",
          "acme-dev", "111111111111", hour, "2026-11-23T19:31:44Z", "0.02", "regular", "202611", headroom,
          List.of()));
      rows.add(row(ce, "Compute Engine", "8A3E-11F0-7C2D", "Spot Preemptible E2 Instance Ram running in Americas",
          "acme-dev", "111111111111", hour, "2026-11-23T19:31:44Z", "0.018", "regular", "202611", headroom,
          List.of()));
    }
    rows.add(row(vertex, "Vertex AI", "A1B2-C3D4-E5F6", "Gemini 2.5 Pro Input Tokens", "acme-ml", "222222222222",
        "2026-11-23T19:00:00Z", "2026-11-23T20:14:09Z", "9.0", "regular", "202611", Map.of(),
        List.of(new ExportRow.Credit("Trial credit", "-0.5", "Free trial credit", "Promotion:12345", "PROMOTION"))));
    rows.add(row("24E6-581D-38E5", "BigQuery", "3362-E469-6BEF", "Analysis", "acme-dev", "111111111111",
        "2026-11-23T08:00:00Z", "2026-11-23T12:02:00Z", "0.03125", "regular", "202611", Map.of(), List.of()));
    rows.add(row(ce, "Compute Engine", "CP3F-1A2B-3C4D", "E2 Instance Core running in Americas", "acme-dev",
        "111111111111", "2026-11-23T07:00:00Z", "2026-11-23T11:00:00Z", "7.77", "regular", "202611", Map.of(),
        List.of()));
    rows.add(row(ce, "Compute Engine", "CP3F-1A2B-3C4D", "E2 Instance Core running in Americas", "acme-dev",
        "111111111111", "2026-10-31T22:00:00Z", "2026-11-01T03:00:00Z", "5.55", "regular", "202610", Map.of(),
        List.of()));
    return rows;
  }

  /**
   * An account billed in euros at 0.92 EUR per USD: 9.20 - 0.46 credit, 4.60, and 1.84 tax = 15.18 EUR net, which is
   * 9.50 + 5.00 + 2.00 = 16.50 USD.
   */
  static List<ExportRow> eurMonth() {
    return List.of(
        eur("Compute Engine", "E2 Instance Core running in EMEA", "2026-11-23T09:00:00Z", "9.2", "regular",
            List.of(new ExportRow.Credit("Sustained use discount", "-0.46", "Sustained usage discount",
                "SustainedUsageDiscount", "SUSTAINED_USAGE_DISCOUNT"))),
        eur("Cloud Run", "CPU Allocation Time", "2026-11-10T12:00:00Z", "4.6", "regular", List.of()),
        eur("Compute Engine", "Tax", "2026-11-10T12:00:00Z", "1.84", "tax", List.of()));
  }

  private static ExportRow eur(String service, String sku, String start, String cost, String type,
      List<ExportRow.Credit> credits) {
    Instant s = Instant.parse(start);
    return new ExportRow("0E0000-000000-000000", "SVC-" + service.hashCode(), service, "SKU-" + sku.hashCode(), sku,
        "acme-eu", "333333333333", s, s.plus(Duration.ofHours(1)), s.plus(Duration.ofHours(5)), cost, "EUR", "0.92",
        type, "202611", Map.of(), credits);
  }

  private static ExportRow row(String serviceId, String service, String skuId, String sku, String project,
      String number, String start, String exported, String cost, String type, String month, Map<String, String> labels,
      List<ExportRow.Credit> credits) {
    Instant s = Instant.parse(start);
    return new ExportRow(ACCOUNT, serviceId, service, skuId, sku, project, number, s, s.plus(Duration.ofHours(1)),
        Instant.parse(exported), cost, "USD", "1.0", type, month, labels, credits);
  }
}
