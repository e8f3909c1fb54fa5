package dev.headroom.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * HTTP endpoints of the cost feature, mounted on the gateway's loopback server: {@code POST /usage} ingests LLM
 * usage from tools that do not go through the gateway, {@code GET /cost/stream} streams snapshots as Server-Sent
 * Events ({@code event: snapshot}, one JSON object a line, every two seconds, with a heartbeat comment).
 */
public final class CostHttp {
  static final int MAX_BODY = 1 << 20;
  static final long HEARTBEAT_SECONDS = 15;
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final CostEngine engine;
  private final Clock clock;

  public CostHttp(CostEngine engine, Clock clock) {
    this.engine = engine;
    this.clock = clock;
  }

  /** POST /usage: one event object or an array; 202 with the count, 400 naming the bad field. */
  public HttpHandler usageHandler() {
    return ex -> {
      try (ex) {
        if (!ex.getRequestMethod().equals("POST")) {
          send(ex, 405, "{\"error\":\"use POST with a JSON usage event or array of events\"}");
          return;
        }
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
          send(ex, 413, "{\"error\":\"body larger than 1 MiB\"}");
          return;
        }
        List<LlmUsage> events;
        try {
          events = parse(body, clock.instant());
          events.forEach(PriceBook::validate);
        } catch (AppException e) {
          send(ex, 400, JSON.writeValueAsString(java.util.Map.of("error", e.userMessage())));
          return;
        }
        events.forEach(engine::record);
        send(ex, 202, "{\"accepted\":" + events.size() + "}");
      }
    };
  }

  /** Parses one event or an array of events; {@code time} defaults to {@code now}. */
  static List<LlmUsage> parse(byte[] body, Instant now) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new AppException("Body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    List<LlmUsage> out = new ArrayList<>();
    if (root == null) {
      throw new AppException("Body is empty: send a usage event object or an array of them");
    }
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        out.add(event(root.get(i), now, "[" + i + "]."));
      }
    } else {
      out.add(event(root, now, ""));
    }
    return out;
  }

  private static LlmUsage event(JsonNode n, Instant now, String at) {
    if (!n.isObject()) {
      throw new AppException("Invalid usage event " + at + ": expected a JSON object");
    }
    Instant time = now;
    if (n.hasNonNull("time")) {
      try {
        time = Instant.parse(n.get("time").asText());
      } catch (DateTimeParseException e) {
        throw new AppException("Invalid usage event: '" + at + "time' is not an ISO-8601 instant ("
            + n.get("time").asText() + ")");
      }
    }
    return new LlmUsage(time, text(n, "provider", at), text(n, "model", at), number(n, "inputTokens", at),
        number(n, "cachedInputTokens", at), number(n, "outputTokens", at), number(n, "reasoningTokens", at),
        n.path("route").asText("api"), number(n, "cacheWriteTokens", at), number(n, "cacheWrite1hTokens", at));
  }

  private static String text(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new AppException("Invalid usage event: '" + at + field + "' is missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new AppException("Invalid usage event: '" + at + field + "' must be a whole number");
    }
    return v.asLong();
  }

  /** GET /cost/stream: the latest snapshot at once, then each new one; a comment heartbeat keeps proxies open. */
  public HttpHandler streamHandler() {
    return ex -> {
      try (ex) {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        CostSnapshot first = engine.latest(); // before subscribing, so a first computed tick is not sent twice
        LinkedBlockingQueue<CostSnapshot> queue = new LinkedBlockingQueue<>(16);
        Runnable unsubscribe = engine.subscribe(s -> {
          if (!queue.offer(s)) {
            queue.poll(); // a slow client gets the newest snapshots, not a growing backlog
            queue.offer(s);
          }
        });
        try (OutputStream out = ex.getResponseBody()) {
          write(out, first);
          while (true) {
            CostSnapshot s = queue.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
            if (s == null) {
              out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
              out.flush();
            } else {
              write(out, s);
            }
          }
        } catch (IOException e) {
          // the client went away
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          unsubscribe.run();
        }
      }
    };
  }

  /** A snapshot as JSON (the SSE data and the CLI output). */
  public static String json(CostSnapshot s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new AppException("Cannot format cost snapshot", e);
    }
  }

  private static void write(OutputStream out, CostSnapshot s) throws IOException {
    out.write(("event: snapshot\ndata: " + json(s) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
