-- Spot VMs Headroom manages, and every transition or attempt of each.
CREATE TABLE vm_sessions (
  name VARCHAR(63) PRIMARY KEY,
  zone VARCHAR(64) NOT NULL,
  machine_type VARCHAR(64) NOT NULL,
  state VARCHAR(16) NOT NULL,
  external_ip VARCHAR(64) NOT NULL,
  requested_at BIGINT NOT NULL,     -- epoch millis
  running_since BIGINT,
  ended_at BIGINT,
  max_run_seconds BIGINT NOT NULL,
  session_id VARCHAR(64) NOT NULL,
  last_message VARCHAR(2000) NOT NULL
);
CREATE TABLE vm_events (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  ts BIGINT NOT NULL,
  vm_name VARCHAR(63) NOT NULL,
  state VARCHAR(16) NOT NULL,
  message VARCHAR(2000) NOT NULL
);
CREATE INDEX vm_events_vm ON vm_events(vm_name, id);
