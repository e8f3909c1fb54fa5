-- The last read of the Cloud Billing export (issue 13), one per table + project filter, so a restart or the CLI
-- shows billed figures with their age without querying BigQuery again before gcp.billingRefreshMinutes.
CREATE TABLE billing_cache (
  cache_key VARCHAR(2200) PRIMARY KEY,
  fetched_at BIGINT NOT NULL,            -- epoch millis of the read
  as_of BIGINT NOT NULL,                 -- epoch millis of the watermark (latest export_time)
  summary CLOB NOT NULL                  -- BilledSummary as JSON
);
