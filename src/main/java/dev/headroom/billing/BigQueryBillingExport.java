package dev.headroom.billing;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableResult;
import com.google.cloud.http.HttpTransportOptions;
import dev.headroom.config.GcpSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link BillingExport} on the real {@code google-cloud-bigquery} client. Jobs run in {@code gcp.project}; with
 * {@code gcp.bigqueryEndpoint} set it talks to that endpoint without credentials (emulators, tests), otherwise to
 * Google with Application Default Credentials. One of the three classes that see Google client types.
 *
 * <p>The query reads only what a refresh needs (the current invoice month and the spike window), from partitions
 * since the window began, with {@code maximumBytesBilled} set.
 */
public final class BigQueryBillingExport implements BillingExport {
  static final String HEADROOM_LABEL = "managed-by";
  static final String HEADROOM_VALUE = "headroom";

  private final BigQuery bigquery;
  private final String jobProject;

  private BigQueryBillingExport(BigQuery bigquery, String jobProject) {
    this.bigquery = bigquery;
    this.jobProject = jobProject;
  }

  /** A client for {@code gcp}; {@code timeout} bounds each HTTP call and the retries of one call. */
  public static BigQueryBillingExport connect(GcpSettings gcp, Duration timeout) {
    int ms = (int) timeout.toMillis();
    BigQueryOptions.Builder b = BigQueryOptions.newBuilder()
        .setProjectId(gcp.project())
        .setTransportOptions(HttpTransportOptions.newBuilder().setConnectTimeout(ms).setReadTimeout(ms).build())
        .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(3).setTotalTimeoutDuration(timeout)
            .setInitialRetryDelayDuration(Duration.ofMillis(200)).setMaxRetryDelayDuration(Duration.ofSeconds(2))
            .setRetryDelayMultiplier(2).build());
    String endpoint = gcp.bigqueryEndpoint();
    if (endpoint != null && !endpoint.isBlank()) {
      b.setHost(endpoint).setCredentials(NoCredentials.getInstance());
    } else {
      try {
        b.setCredentials(GoogleCredentials.getApplicationDefault());
      } catch (IOException e) {
        throw new BillingException(BillingException.Kind.NOT_CONNECTED, "Cannot read the billing export: no Google "
            + "Application Default Credentials (run 'gcloud auth application-default login').", e);
      }
    }
    return new BigQueryBillingExport(b.build().getService(), gcp.project());
  }

  /** The SQL of one refresh; the table name was validated by the settings (letters, digits, '-', '_', '.'). */
  static String sql(String table) {
    return "SELECT service.description AS service, sku.description AS sku, project.id AS project_id,"
        + " project.number AS project_number, usage_start_time, usage_end_time, export_time, cost, currency,"
        + " currency_conversion_rate, cost_type, invoice.month AS invoice_month, labels, credits"
        + " FROM `" + table + "`"
        + " WHERE _PARTITIONTIME >= @partition_from"
        + " AND (invoice.month = @invoice_month OR usage_start_time >= @trailing_from)"
        + " AND (ARRAY_LENGTH(@projects) = 0 OR project.id IN UNNEST(@projects))";
  }

  @Override
  public List<BillingRow> rows(BillingQuery q) {
    QueryJobConfiguration config = QueryJobConfiguration.newBuilder(sql(q.table()))
        .setUseLegacySql(false)
        .setMaximumBytesBilled(q.maximumBytesBilled())
        .addNamedParameter("partition_from", QueryParameterValue.timestamp(micros(q.partitionFrom())))
        .addNamedParameter("invoice_month", QueryParameterValue.string(q.invoiceMonth()))
        .addNamedParameter("trailing_from", QueryParameterValue.timestamp(micros(q.trailingFrom())))
        .addNamedParameter("projects", QueryParameterValue.array(q.projects().toArray(new String[0]), String.class))
        .build();
    TableResult result;
    try {
      result = bigquery.query(config);
    } catch (BigQueryException e) {
      throw classify(e, q, jobProject);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BillingException(BillingException.Kind.UNREACHABLE, "Reading the billing export was interrupted", e);
    }
    try {
      return parse(result);
    } catch (BigQueryException e) {
      throw classify(e, q, jobProject);
    }
  }

  private static List<BillingRow> parse(TableResult result) {
    FieldList fields = result.getSchema().getFields();
    Field labels = fields.get("labels");
    Field credits = fields.get("credits");
    int keyAt = labels.getSubFields().getIndex("key");
    int valueAt = labels.getSubFields().getIndex("value");
    int amountAt = credits.getSubFields().getIndex("amount");
    List<BillingRow> rows = new ArrayList<>();
    for (FieldValueList row : result.iterateAll()) {
      boolean headroom = false;
      for (FieldValue label : repeated(row.get("labels"))) {
        // Records nested in repeated fields come back without names: read them by position.
        FieldValueList kv = label.getRecordValue();
        headroom |= HEADROOM_LABEL.equals(kv.get(keyAt).getStringValue())
            && HEADROOM_VALUE.equals(kv.get(valueAt).getStringValue());
      }
      BigDecimal creditTotal = BigDecimal.ZERO;
      for (FieldValue credit : repeated(row.get("credits"))) {
        creditTotal = creditTotal.add(decimal(credit.getRecordValue().get(amountAt)));
      }
      BigDecimal rate = row.get("currency_conversion_rate").isNull() ? BigDecimal.ONE
          : decimal(row.get("currency_conversion_rate"));
      rows.add(new BillingRow(text(row.get("service")), text(row.get("sku")), text(row.get("project_id")),
          text(row.get("project_number")), row.get("usage_start_time").getTimestampInstant(),
          row.get("usage_end_time").getTimestampInstant(), row.get("export_time").getTimestampInstant(),
          decimal(row.get("cost")), creditTotal, text(row.get("currency")), rate, text(row.get("cost_type")),
          text(row.get("invoice_month")), headroom));
    }
    return rows;
  }

  private static List<FieldValue> repeated(FieldValue v) {
    return v == null || v.isNull() ? List.of() : v.getRepeatedValue();
  }

  private static String text(FieldValue v) {
    return v == null || v.isNull() ? "" : v.getStringValue();
  }

  // FLOAT64 on the wire is a decimal string: read it as written, never through double.
  private static BigDecimal decimal(FieldValue v) {
    return v == null || v.isNull() ? BigDecimal.ZERO : new BigDecimal(v.getStringValue());
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  /** A BigQuery error as the sentence the user needs: which setting or which role. */
  static BillingException classify(BigQueryException e, BillingQuery q, String jobProject) {
    BigQueryError error = e.getError();
    String reason = error == null || error.getReason() == null ? "" : error.getReason();
    String message = error != null && error.getMessage() != null ? error.getMessage() : String.valueOf(e.getMessage());
    if (reason.equals("notFound") || e.getCode() == 404) {
      return new BillingException(BillingException.Kind.TABLE_NOT_FOUND, "Billing export table '" + q.table()
          + "' was not found (" + message + "). Check gcp.billingExportTable against the table the console's Billing"
          + " export page writes to (gcp_billing_export_v1_<ACCOUNT> in your dataset); a new export takes a few hours"
          + " to create it.", e);
    }
    if (reason.equals("accessDenied") || e.getCode() == 403) {
      return new BillingException(BillingException.Kind.PERMISSION_DENIED, "Permission denied reading the billing "
          + "export (" + message + "). Grant the signed-in account roles/bigquery.dataViewer on the dataset "
          + q.dataset() + " and roles/bigquery.jobUser on the project " + jobProject + ".", e);
    }
    if (reason.equals("invalidQuery") || reason.equals("invalid")) {
      return new BillingException(BillingException.Kind.INVALID_QUERY, "BigQuery refused the billing query on '"
          + q.table() + "' (" + message + "). Is gcp.billingExportTable a standard or detailed usage cost export"
          + " table?", e);
    }
    if (e.getCode() == 0 || e.getCause() instanceof IOException) {
      return new BillingException(BillingException.Kind.UNREACHABLE, "BigQuery did not answer ("
          + rootMessage(e) + "); billed figures are from the last successful read.", e);
    }
    return new BillingException(BillingException.Kind.OTHER, "Reading the billing export failed: "
        + message.toLowerCase(Locale.ROOT).replace("\n", " "), e);
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  @Override
  public void close() {
    // The HTTP transport holds no connection pool that needs closing.
  }
}
