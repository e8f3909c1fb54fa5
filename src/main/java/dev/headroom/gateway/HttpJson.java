package dev.headroom.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** JSON answers of the loopback server: {@code {"error": "...", "status": 421, ...}} for every refusal. */
final class HttpJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private HttpJson() {}

  static byte[] errorBody(int status, String message, Map<String, String> extra) {
    ObjectNode o = JSON.createObjectNode();
    o.put("error", message);
    o.put("status", status);
    extra.forEach(o::put);
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, JSON.writeValueAsBytes(body));
  }

  static void send(HttpExchange ex, int status, byte[] bytes) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
