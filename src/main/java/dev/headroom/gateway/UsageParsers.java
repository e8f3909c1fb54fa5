package dev.headroom.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Token usage read from LLM provider responses (plain JSON and streamed SSE), kept apart from the forwarding so it
 * is tested on text fixtures.
 *
 * <p>Normalised to {@code dev.headroom.cost.LlmUsage} semantics: input includes cached prompt tokens and the ones
 * written to the cache, output excludes reasoning tokens. OpenAI's {@code completion_tokens} include reasoning, so
 * reasoning is subtracted; Anthropic's {@code input_tokens} exclude cache reads and cache writes, so those are added.
 * Anthropic cache writes ({@code cache_creation_input_tokens}) are kept apart, with the 1-hour TTL part from
 * {@code cache_creation.ephemeral_1h_input_tokens}, because they are billed above the input rate. OpenAI-format
 * answers from proxies in front of Anthropic (LiteLLM) carry the same {@code cache_creation_input_tokens} in
 * {@code usage}.
 */
final class UsageParsers {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Token counts of one call; {@code cacheWrite} counts all cache writes, {@code cacheWrite1h} the 1-hour ones. */
  record Tokens(String model, long input, long cached, long output, long reasoning, long cacheWrite,
      long cacheWrite1h) {

    Tokens(String model, long input, long cached, long output, long reasoning) {
      this(model, input, cached, output, reasoning, 0, 0);
    }

    Tokens withModel(String name) {
      return new Tokens(name, input, cached, output, reasoning, cacheWrite, cacheWrite1h);
    }

    /** The usage event of these counts. */
    dev.headroom.cost.LlmUsage toUsage(java.time.Instant time, String provider, String route) {
      return new dev.headroom.cost.LlmUsage(time, provider, model, input, cached, output, reasoning, route,
          cacheWrite, cacheWrite1h);
    }
  }

  private UsageParsers() {}

  static Optional<Tokens> openAiJson(String body) {
    JsonNode root = tree(body);
    return root == null ? Optional.empty() : openAi(root);
  }

  /** Usage from an OpenAI Chat Completions / Responses object (or stream chunk / event). */
  static Optional<Tokens> openAi(JsonNode root) {
    JsonNode resp = root.has("response") && root.get("response").isObject() ? root.get("response") : root;
    JsonNode u = resp.get("usage");
    if (u == null || !u.isObject()) {
      return Optional.empty();
    }
    String model = resp.path("model").asText("");
    if (u.has("prompt_tokens")) {
      long prompt = u.path("prompt_tokens").asLong();
      long completion = u.path("completion_tokens").asLong();
      long cached = u.path("prompt_tokens_details").path("cached_tokens").asLong();
      long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong();
      long write = Math.max(0, Math.min(u.path("cache_creation_input_tokens").asLong(), prompt - cached));
      long write1h = Math.min(write, u.path("cache_creation").path("ephemeral_1h_input_tokens").asLong());
      return Optional.of(new Tokens(model, prompt, cached, Math.max(0, completion - reasoning), reasoning, write,
          write1h));
    }
    if (u.has("input_tokens")) { // Responses API
      long in = u.path("input_tokens").asLong();
      long out = u.path("output_tokens").asLong();
      long cached = u.path("input_tokens_details").path("cached_tokens").asLong();
      long reasoning = u.path("output_tokens_details").path("reasoning_tokens").asLong();
      return Optional.of(new Tokens(model, in, cached, Math.max(0, out - reasoning), reasoning));
    }
    return Optional.empty();
  }

  /** Usage from an Anthropic Messages response. */
  static Optional<Tokens> anthropicJson(String body) {
    JsonNode root = tree(body);
    if (root == null || !root.path("usage").isObject()) {
      return Optional.empty();
    }
    return Optional.of(anthropicUsage(root.path("model").asText(""), root.get("usage")));
  }

  private static Tokens anthropicUsage(String model, JsonNode u) {
    long cacheRead = u.path("cache_read_input_tokens").asLong();
    JsonNode byTtl = u.path("cache_creation");
    long write1h = byTtl.path("ephemeral_1h_input_tokens").asLong();
    long write5m = byTtl.path("ephemeral_5m_input_tokens").asLong();
    // cache_creation_input_tokens is the total; an answer with only the per-TTL object is summed
    long cacheWrite = Math.max(u.path("cache_creation_input_tokens").asLong(), write1h + write5m);
    long input = u.path("input_tokens").asLong() + cacheRead + cacheWrite;
    return new Tokens(model, input, cacheRead, u.path("output_tokens").asLong(), 0, cacheWrite,
        Math.min(write1h, cacheWrite));
  }

  /**
   * Folds one SSE {@code data:} payload of a stream into the running total ({@code null} before the first). OpenAI
   * sends usage in its final chunk; Anthropic sends input usage in {@code message_start} and the output count in
   * {@code message_delta} (cumulative).
   */
  static Tokens sseData(boolean anthropic, String data, Tokens acc) {
    if (data.isEmpty() || data.equals("[DONE]")) {
      return acc;
    }
    JsonNode root = tree(data);
    if (root == null) {
      return acc;
    }
    if (!anthropic) {
      Optional<Tokens> t = openAi(root);
      if (t.isPresent()) {
        return t.get();
      }
      if (acc == null && root.has("model")) {
        return new Tokens(root.path("model").asText(""), 0, 0, 0, 0);
      }
      return acc;
    }
    String type = root.path("type").asText("");
    if (type.equals("message_start")) {
      JsonNode msg = root.path("message");
      return anthropicUsage(msg.path("model").asText(""), msg.path("usage"));
    }
    if (type.equals("message_delta") && root.path("usage").isObject()) {
      Tokens base = acc == null ? new Tokens("", 0, 0, 0, 0) : acc;
      return new Tokens(base.model(), base.input(), base.cached(), root.path("usage").path("output_tokens").asLong(),
          0, base.cacheWrite(), base.cacheWrite1h());
    }
    return acc;
  }

  /**
   * For an OpenAI request that streams without asking for usage, the same request with
   * {@code stream_options.include_usage = true} (otherwise the stream carries no token counts); else empty.
   */
  static Optional<byte[]> withStreamUsage(byte[] requestBody) {
    JsonNode root;
    try {
      root = JSON.readTree(requestBody);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (root == null || !root.isObject() || !root.path("stream").asBoolean(false)) {
      return Optional.empty();
    }
    JsonNode opts = root.get("stream_options");
    if (opts != null && opts.path("include_usage").asBoolean(false)) {
      return Optional.empty();
    }
    var obj = (com.fasterxml.jackson.databind.node.ObjectNode) root;
    var so = opts instanceof com.fasterxml.jackson.databind.node.ObjectNode o ? o : obj.putObject("stream_options");
    so.put("include_usage", true);
    try {
      return Optional.of(JSON.writeValueAsBytes(obj));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The "model" field of a request body, if any. */
  static String requestModel(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return "";
    }
    return root == null ? "" : root.path("model").asText("");
  }

  private static JsonNode tree(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }
}
