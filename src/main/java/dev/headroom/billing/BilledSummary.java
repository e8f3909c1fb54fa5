package dev.headroom.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one export read adds up to, in US dollars net of credits (cached in H2 between refreshes).
 *
 * @param currency the account's billing currency ({@code USD}, {@code EUR}...)
 * @param monthToDateOriginal month to date net of credits in {@code currency}
 * @param asOf the watermark: the latest {@code export_time} read
 * @param fetchedAt when the export was read
 * @param invoiceMonth {@code YYYYMM} (Pacific time)
 * @param day the billing day (America/Los_Angeles) of {@code today}
 * @param headroomHours start of every hour for which the export holds rows labelled {@code managed-by=headroom}
 * @param monthByProjectNumber month to date per {@code project.number} (budget filters name projects by number)
 */
public record BilledSummary(
    String currency,
    BigDecimal today,
    BigDecimal monthToDate,
    BigDecimal monthToDateOriginal,
    Instant asOf,
    Instant fetchedAt,
    String invoiceMonth,
    String day,
    List<ServiceCost> byService,
    List<ProjectCost> byProject,
    List<SkuCost> topSkus,
    List<GroupCost> groups,
    BigDecimal headroomToday,
    BigDecimal headroomMonthToDate,
    List<Instant> headroomHours,
    Map<String, BigDecimal> monthByProjectNumber,
    List<Spike> spikes,
    long rows) {

  /** Month to date and today of one {@code service.description} (its tax rows included). */
  public record ServiceCost(String service, BigDecimal monthToDate, BigDecimal today) {}

  /** Month to date and today of one {@code project.id}. */
  public record ProjectCost(String project, BigDecimal monthToDate, BigDecimal today) {}

  /** Month to date of one SKU. */
  public record SkuCost(String service, String sku, BigDecimal monthToDate) {}

  /** A configured group of services ({@code cost.serviceGroups}). */
  public record GroupCost(String group, BigDecimal monthToDate, BigDecimal today) {}

  /**
   * A service whose billed cost in the latest hour is well above its trailing 7-day hourly mean.
   *
   * @param hour start of the latest billed hour
   */
  public record Spike(String service, Instant hour, BigDecimal hourCost, BigDecimal hourlyMean, BigDecimal increase) {
    /** "Vertex AI +$8.40 in the hour from 04:00 (7-day mean $0.10/h)". */
    public String message(java.time.ZoneId zone) {
      return service + " +$" + increase.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString()
          + " in the hour from " + java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(zone).format(hour)
          + " (7-day mean $" + hourlyMean.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString() + "/h)";
    }
  }
}
