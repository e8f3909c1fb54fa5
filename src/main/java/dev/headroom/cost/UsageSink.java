package dev.headroom.cost;

/**
 * Where metered LLM usage goes (the cost engine). The gateway and the ingest endpoints call it.
 *
 * <pre>{@code
 * UsageSink sink = costEngine;
 * sink.record(new LlmUsage(now, "openai", "gpt-4o", 1200, 200, 300, 0, "openai"));
 * }</pre>
 */
@FunctionalInterface
public interface UsageSink {
  /** Records one usage event; must be cheap and thread-safe (called from gateway threads). */
  void record(LlmUsage usage);
}
