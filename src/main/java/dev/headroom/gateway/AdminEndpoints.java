package dev.headroom.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpHandler;
import java.net.URI;
import java.time.Instant;

/** {@code GET /health} (server and cloud target status) and {@code GET /routes} (every route's counters). */
final class AdminEndpoints {
  private final Gateway gateway;

  AdminEndpoints(Gateway gateway) {
    this.gateway = gateway;
  }

  HttpHandler health() {
    return ex -> {
      try (ex) {
        ObjectNode o = HttpJson.JSON.createObjectNode();
        java.util.Map<String, String> problems = gateway.healthProblems();
        o.put("status", problems.isEmpty() ? "ok" : "degraded");
        if (!problems.isEmpty()) {
          ObjectNode failing = o.putObject("problems");
          problems.forEach(failing::put);
        }
        o.put("address", gateway.address().toString());
        o.put("routing", gateway.routingEnabled());
        o.put("cloudTarget", gateway.cloudTarget().map(URI::toString).orElse(null));
        o.put("cloudHealthy", gateway.healthyCloud().isPresent());
        HttpJson.send(ex, problems.isEmpty() ? 200 : 503, o);
      }
    };
  }

  HttpHandler routes() {
    return ex -> {
      try (ex) {
        ArrayNode arr = HttpJson.JSON.createArrayNode();
        for (RouteStats s : gateway.stats()) {
          ObjectNode o = arr.addObject();
          o.put("name", s.name());
          o.put("pathPrefix", s.pathPrefix());
          o.put("policy", s.policy().name());
          o.put("kind", s.kind());
          o.put("target", s.target().label());
          o.put("requests", s.requests());
          o.put("errors", s.errors());
          o.put("local", s.local());
          o.put("cloud", s.cloud());
          o.put("bytesOut", s.bytesOut());
          o.put("lastRequest", s.lastRequest().map(Instant::toString).orElse(null));
        }
        HttpJson.send(ex, 200, arr);
      }
    };
  }
}
