package dev.headroom.billing;

import java.util.List;

/**
 * The port to the Cloud Billing export. {@link BigQueryBillingExport} reads it from BigQuery.
 *
 * <pre>{@code
 * try (BillingExport export = BigQueryBillingExport.connect(gcp, Duration.ofSeconds(60))) {
 *   List<BillingRow> rows = export.rows(query);
 * }
 * }</pre>
 */
public interface BillingExport extends AutoCloseable {

  /** The rows {@code query} selects; a failure is a {@link BillingException} with a message for the user. */
  List<BillingRow> rows(BillingQuery query);

  @Override
  void close();
}
