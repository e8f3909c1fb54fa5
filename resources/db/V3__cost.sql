-- LLM usage events, one row a call; cost is NULL for a model missing from the price book ("unpriced").
CREATE TABLE llm_usage (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  ts BIGINT NOT NULL,                -- epoch millis
  provider VARCHAR(64) NOT NULL,
  model VARCHAR(200) NOT NULL,
  input_tokens BIGINT NOT NULL,
  cached_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  route VARCHAR(64) NOT NULL,
  cost DECIMAL(20, 10)
);
CREATE INDEX llm_usage_ts ON llm_usage(ts);
-- Spot rates fetched from the Cloud Billing Catalog, kept for offline restarts.
CREATE TABLE price_cache (
  region VARCHAR(64) NOT NULL,
  series VARCHAR(16) NOT NULL,
  core_per_hour DECIMAL(20, 10) NOT NULL,
  ram_per_gib_hour DECIMAL(20, 10) NOT NULL,
  fetched_at BIGINT NOT NULL,
  PRIMARY KEY (region, series)
);
-- One cost snapshot a minute.
CREATE TABLE cost_minute (
  ts BIGINT PRIMARY KEY,
  llm_today DECIMAL(20, 10) NOT NULL,
  gcp_today DECIMAL(20, 10) NOT NULL,
  month_total DECIMAL(20, 10) NOT NULL,
  burn_per_hour DECIMAL(20, 10) NOT NULL
);
-- Where the JSONL usage-log tailer stopped, so a restart does not count a line twice.
CREATE TABLE usage_log_offset (
  path VARCHAR(1000) PRIMARY KEY,
  byte_offset BIGINT NOT NULL
);
