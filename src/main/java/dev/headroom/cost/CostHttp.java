package dev.headroom.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.headroom.core.AppException;
import dev.headroom.core.LogSafe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP endpoints of the cost feature, mounted on the gateway's loopback server: {@code POST /usage} ingests LLM
 * usage from tools that do not go through the gateway, {@code GET /cost/stream} streams snapshots as Server-Sent
 * Events ({@code event: snapshot}, one JSON object a line, every two seconds, with a heartbeat comment).
 */
public final class CostHttp {
  private static final Logger LOG = LoggerFactory.getLogger(CostHttp.class);
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

  /**
   * POST /usage: one event object or an array of them. Every event of the body is validated before anything is
   * stored (all or nothing); 202 {@code {"accepted":N}} once they are durable; 400 naming the bad field; 413 over
   * 1 MiB; 503 when the store cannot write. {@code ?backfill=true} accepts events older than a day.
   */
  public HttpHandler usageHandler() {
    return ex -> {
      try (ex) {
        try {
          handleUsage(ex);
        } catch (IOException e) {
          throw e;
        } catch (RuntimeException e) {
          // Whatever went wrong, the client gets an answer (a dropped connection looks like "maybe stored").
          LOG.warn("POST /usage failed: {}", LogSafe.clean(e), e);
          sendError(ex, 500, "Internal error; nothing was stored", Optional.empty());
        }
      }
    };
  }

  private void handleUsage(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("POST")) {
      ex.getResponseHeaders().set("Allow", "POST");
      sendError(ex, 405, "use POST with a JSON usage event or array of events", Optional.empty());
      return;
    }
    byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      sendError(ex, 413, "body larger than 1 MiB", Optional.empty());
      return;
    }
    boolean backfill = backfill(ex.getRequestURI().getRawQuery());
    List<PricedUsage> priced = new ArrayList<>();
    try {
      Parsed parsed = parseBody(body, clock.instant());
      for (int i = 0; i < parsed.events().size(); i++) {
        priced.add(engine.price(parsed.events().get(i), parsed.array() ? "[" + i + "]." : "", backfill));
      }
    } catch (UsageRejected e) {
      sendError(ex, 400, e.userMessage(), Optional.of(e.field()));
      return;
    } catch (AppException e) {
      sendError(ex, 400, e.userMessage(), Optional.empty());
      return;
    }
    try {
      engine.store(priced, Optional.empty());
    } catch (StoreUnavailable e) {
      sendError(ex, 503, e.userMessage(), Optional.empty());
      return;
    }
    send(ex, 202, "{\"accepted\":" + priced.size() + "}");
  }

  private static boolean backfill(String rawQuery) {
    if (rawQuery == null) {
      return false;
    }
    for (String part : rawQuery.split("&")) {
      if (part.equals("backfill=true") || part.equals("backfill=1")) {
        return true;
      }
    }
    return false;
  }

  private static void sendError(HttpExchange ex, int status, String message, Optional<String> field)
      throws IOException {
    java.util.Map<String, String> body = new java.util.LinkedHashMap<>();
    body.put("error", message);
    field.ifPresent(f -> body.put("field", f));
    send(ex, status, JSON.writeValueAsString(body));
  }

  /** A parsed body: its events and whether it was an array (field names then carry the index). */
  record Parsed(List<LlmUsage> events, boolean array) {}

  /** Parses one event or an array of events; {@code time} defaults to {@code now}. */
  static List<LlmUsage> parse(byte[] body, Instant now) {
    return parseBody(body, now).events();
  }

  static Parsed parseBody(byte[] body, Instant now) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new AppException("Body is not valid JSON: "
          + LogSafe.clean(e.getMessage().lines().findFirst().orElse("")));
    }
    List<LlmUsage> out = new ArrayList<>();
    if (root == null || root.isMissingNode()) {
      throw new AppException("Body is empty: send a usage event object or an array of them");
    }
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        out.add(event(root.get(i), now, "[" + i + "]."));
      }
      return new Parsed(out, true);
    }
    out.add(event(root, now, ""));
    return new Parsed(out, false);
  }

  private static LlmUsage event(JsonNode n, Instant now, String at) {
    if (!n.isObject()) {
      throw new UsageRejected(at.isEmpty() ? "(body)" : at.substring(0, at.length() - 1), "must be a JSON object");
    }
    Instant time = now;
    if (n.hasNonNull("time")) {
      JsonNode t = n.get("time");
      try {
        if (!t.isTextual()) {
          throw new DateTimeParseException("not a string", t.toString(), 0);
        }
        time = Instant.parse(t.asText());
      } catch (DateTimeParseException e) {
        throw new UsageRejected(at + "time", "is not an ISO-8601 instant (" + LogSafe.clean(t.asText()) + ")");
      }
    }
    String route = "api";
    if (n.hasNonNull("route")) {
      if (!n.get("route").isTextual()) {
        throw new UsageRejected(at + "route", "must be a string");
      }
      route = n.get("route").asText();
    }
    return new LlmUsage(time, text(n, "provider", at), text(n, "model", at), number(n, "inputTokens", at),
        number(n, "cachedInputTokens", at), number(n, "outputTokens", at), number(n, "reasoningTokens", at), route,
        number(n, "cacheWriteTokens", at), number(n, "cacheWrite1hTokens", at));
  }

  private static String text(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new UsageRejected(at + field, "is missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new UsageRejected(at + field, "must be a whole number between 0 and " + UsageRules.MAX_TOKENS);
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
