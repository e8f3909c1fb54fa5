-- Memory history: 1 s samples kept for 1 h, 1 min aggregates kept for 30 days.
CREATE TABLE memory_sample_1s (
  ts BIGINT PRIMARY KEY,            -- epoch millis
  total_bytes BIGINT NOT NULL,
  available_bytes BIGINT NOT NULL,
  swap_total_bytes BIGINT NOT NULL,
  swap_used_bytes BIGINT NOT NULL,
  pages_in BIGINT NOT NULL,
  pages_out BIGINT NOT NULL
);
CREATE TABLE memory_sample_1m (
  ts BIGINT PRIMARY KEY,            -- epoch millis of the minute start
  total_bytes BIGINT NOT NULL,
  available_bytes BIGINT NOT NULL,  -- mean over the minute
  min_available_bytes BIGINT NOT NULL,
  swap_total_bytes BIGINT NOT NULL,
  swap_used_bytes BIGINT NOT NULL,  -- mean over the minute
  pages_in BIGINT NOT NULL,
  pages_out BIGINT NOT NULL,
  samples INT NOT NULL
);
