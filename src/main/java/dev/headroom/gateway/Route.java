package dev.headroom.gateway;

import dev.headroom.config.GatewaySettings.RouteRule;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** One routing rule with its live counters. */
final class Route {
  final RouteRule rule;
  final Policy policy;
  final URI local;
  final String kind;
  final boolean metered;
  final boolean anthropic;
  final AtomicLong requests = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong toLocal = new AtomicLong();
  final AtomicLong toCloud = new AtomicLong();
  final AtomicLong bytesOut = new AtomicLong();
  volatile long lastMillis; // 0: never
  private final int restFrom;

  Route(RouteRule rule) {
    this.rule = rule;
    this.policy = Policy.valueOf(rule.policy());
    this.local = URI.create(stripSlash(rule.localUrl()));
    this.kind = rule.kind() == null ? "GENERIC" : rule.kind();
    this.metered = kind.equals("OPENAI") || kind.equals("ANTHROPIC");
    this.anthropic = kind.equals("ANTHROPIC");
    this.restFrom = stripSlash(rule.pathPrefix()).length();
  }

  String name() {
    return rule.name();
  }

  String prefix() {
    return rule.pathPrefix();
  }

  /** The path the backend sees: the request path without this route's prefix (query not included). */
  String rest(String path) {
    return path.substring(Math.min(path.length(), restFrom));
  }

  RouteStats stats(Target target) {
    return new RouteStats(name(), prefix(), policy, kind, rule.localUrl(), target, requests.get(), errors.get(),
        toLocal.get(), toCloud.get(), bytesOut.get(),
        lastMillis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastMillis)));
  }

  static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
