package dev.headroom.billing;

import java.time.Instant;
import java.util.List;

/**
 * What one refresh reads from the export: the rows of {@code invoiceMonth} plus every row whose usage starts at or
 * after {@code trailingFrom} (the spike detector's 7-day window), only from partitions at or after
 * {@code partitionFrom}, scanning at most {@code maximumBytesBilled}.
 *
 * @param table {@code PROJECT.DATASET.TABLE}, validated by the settings
 * @param invoiceMonth {@code YYYYMM} in Pacific time, as {@code invoice.month}
 * @param projects only these project ids; empty means all
 */
public record BillingQuery(
    String table,
    String invoiceMonth,
    Instant trailingFrom,
    Instant partitionFrom,
    List<String> projects,
    long maximumBytesBilled) {

  /** 10 GiB: a month of a busy account's standard export is far below; a runaway query is refused, not billed. */
  public static final long DEFAULT_MAXIMUM_BYTES_BILLED = 10L << 30;

  /** The dataset part of {@link #table}. */
  public String dataset() {
    String[] parts = table.split("\\.");
    return parts[0] + "." + parts[1];
  }

  /** The project part of {@link #table}. */
  public String tableProject() {
    return table.substring(0, table.indexOf('.'));
  }
}
