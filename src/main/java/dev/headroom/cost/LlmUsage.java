package dev.headroom.cost;

import java.time.Instant;
import java.util.Objects;

/**
 * One metered LLM call: token counts as the provider reported them.
 *
 * @param inputTokens prompt tokens including the cached ones
 * @param cachedInputTokens prompt tokens served from the provider's cache (billed at the cache-read rate)
 * @param outputTokens completion tokens, excluding reasoning tokens
 * @param reasoningTokens reasoning/thinking tokens (billed at the output rate)
 * @param route the gateway route or ingest source that reported it ("api", "log" for non-gateway sources)
 */
public record LlmUsage(
    Instant time,
    String provider,
    String model,
    long inputTokens,
    long cachedInputTokens,
    long outputTokens,
    long reasoningTokens,
    String route) {

  public LlmUsage {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(route, "route");
  }
}
