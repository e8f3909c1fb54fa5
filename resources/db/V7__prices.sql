-- Issue 12: on-demand rates beside the Spot ones in the catalog cache, and Anthropic cache-write tokens per call.
ALTER TABLE price_cache ADD COLUMN on_demand_core_per_hour DECIMAL(20, 10);
ALTER TABLE price_cache ADD COLUMN on_demand_ram_per_gib_hour DECIMAL(20, 10);
ALTER TABLE llm_usage ADD COLUMN cache_write_tokens BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE llm_usage ADD COLUMN cache_write_1h_tokens BIGINT DEFAULT 0 NOT NULL;
