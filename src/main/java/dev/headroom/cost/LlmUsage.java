package dev.headroom.cost;

import java.time.Instant;
import java.util.Objects;

/**
 * One metered LLM call: token counts as the provider reported them.
 *
 * @param inputTokens prompt tokens including the cached ones and the ones written to the cache
 * @param cachedInputTokens prompt tokens served from the provider's cache (billed at the cache-read rate)
 * @param outputTokens completion tokens, excluding reasoning tokens
 * @param reasoningTokens reasoning/thinking tokens (billed at the output rate, or the sheet's reasoning rate)
 * @param route the gateway route or ingest source that reported it ("api", "log" for non-gateway sources)
 * @param cacheWriteTokens prompt tokens written to the cache (Anthropic {@code cache_creation_input_tokens}), all
 *     TTLs; billed at the cache-write rate
 * @param cacheWrite1hTokens the part of {@code cacheWriteTokens} written with the 1-hour TTL (billed at the
 *     {@code cache_creation_input_token_cost_above_1hr} rate); the rest is the 5-minute TTL
 */
public record LlmUsage(
    Instant time,
    String provider,
    String model,
    long inputTokens,
    long cachedInputTokens,
    long outputTokens,
    long reasoningTokens,
    String route,
    long cacheWriteTokens,
    long cacheWrite1hTokens) {

  public LlmUsage {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(route, "route");
  }

  /** A call without cache writes. */
  public LlmUsage(Instant time, String provider, String model, long inputTokens, long cachedInputTokens,
      long outputTokens, long reasoningTokens, String route) {
    this(time, provider, model, inputTokens, cachedInputTokens, outputTokens, reasoningTokens, route, 0, 0);
  }
}
