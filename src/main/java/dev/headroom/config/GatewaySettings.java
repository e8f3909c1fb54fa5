package dev.headroom.config;

import java.util.List;

/**
 * The local routing gateway (always bound to loopback).
 *
 * @param port TCP port on 127.0.0.1 (0 picks a free one)
 * @param maxRequestBytes requests with larger bodies are refused with 413
 * @param upstreamTimeoutSeconds timeout of one forwarded request
 * @param healthCheckSeconds interval of the VM backend health check
 * @param cloudHealthPath path of the cloud backend's health endpoint: a GET answered 2xx means healthy
 */
public record GatewaySettings(
    boolean enabled,
    int port,
    long maxRequestBytes,
    int upstreamTimeoutSeconds,
    int healthCheckSeconds,
    List<RouteRule> routes,
    String cloudHealthPath) {

  /** Settings with the default cloud health path {@code /health}. */
  public GatewaySettings(boolean enabled, int port, long maxRequestBytes, int upstreamTimeoutSeconds,
      int healthCheckSeconds, List<RouteRule> routes) {
    this(enabled, port, maxRequestBytes, upstreamTimeoutSeconds, healthCheckSeconds, routes, "/health");
  }

  /**
   * One routing rule.
   *
   * @param kind GENERIC, OPENAI or ANTHROPIC (the last two are metered for LLM tokens)
   * @param policy LOCAL_ONLY, CLOUD_PREFERRED, CLOUD_ONLY or CLOUD_WHEN_PRESSURED
   * @param localUrl base URL of the local backend (or the LLM provider for LLM routes)
   */
  public record RouteRule(String name, String pathPrefix, String policy, String localUrl, String kind) {}
}
