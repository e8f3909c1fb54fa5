-- Every auto-create decision that changed something (a new verdict or reason), with its reason.
CREATE TABLE engine_decisions (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  ts BIGINT NOT NULL,               -- epoch millis
  action VARCHAR(16) NOT NULL,      -- CREATE, BLOCKED, NONE
  trigger_kind VARCHAR(16) NOT NULL,
  reason VARCHAR(64) NOT NULL,
  message VARCHAR(1000) NOT NULL
);
CREATE INDEX engine_decisions_ts ON engine_decisions(ts);
