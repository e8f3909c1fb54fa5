package dev.headroom.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * LLM prices per token, in the community price-sheet format most LLM tools use ({@code input_cost_per_token},
 * {@code output_cost_per_token}, {@code cache_read_input_token_cost}, ...). The bundled {@code llm-prices.json} is
 * read first; a user file (cost.priceBookPath) overrides it model by model. Lookups accept dated and
 * provider-prefixed names: {@code gpt-4o-2024-08-06}, {@code claude-sonnet-4-5-20250929}, {@code openai/gpt-4o}.
 */
public final class PriceBook {
  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)$");

  /** Per-token prices of one model. {@code cacheRead} falls back to the input price when the sheet has none. */
  public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead) {}

  private final Map<String, ModelPrice> prices;

  private PriceBook(Map<String, ModelPrice> prices) {
    this.prices = prices;
  }

  /** The bundled book, overridden by {@code userFile} when given. */
  public static PriceBook load(Optional<Path> userFile) {
    Map<String, ModelPrice> all = new HashMap<>();
    ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    try (InputStream in = PriceBook.class.getResourceAsStream("/llm-prices.json")) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource /llm-prices.json");
      }
      read(mapper.readTree(in), all, "the bundled price book");
    } catch (IOException e) {
      throw new IllegalStateException("Bundled price book unreadable", e);
    }
    if (userFile.isPresent()) {
      try {
        read(mapper.readTree(userFile.get().toFile()), all, userFile.get().toString());
      } catch (IOException e) {
        throw new AppException("Cannot read the price book " + userFile.get() + ": " + e.getMessage(), e);
      }
    }
    return new PriceBook(all);
  }

  private static void read(JsonNode root, Map<String, ModelPrice> into, String source) {
    if (root == null || !root.isObject()) {
      throw new AppException("Price book " + source + " must be a JSON object of models");
    }
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode m = e.getValue();
      if (!m.has("input_cost_per_token") || !m.has("output_cost_per_token")) {
        continue; // image, embedding or sample_spec entries: not priced per chat token here
      }
      BigDecimal in = m.get("input_cost_per_token").decimalValue();
      BigDecimal out = m.get("output_cost_per_token").decimalValue();
      BigDecimal cached = m.has("cache_read_input_token_cost") ? m.get("cache_read_input_token_cost").decimalValue()
          : in;
      into.put(e.getKey().toLowerCase(Locale.ROOT), new ModelPrice(in, out, cached));
    }
  }

  /** The price of {@code model}, trying the name as given, without a provider prefix, and without a date suffix. */
  public Optional<ModelPrice> find(String model) {
    String m = model.toLowerCase(Locale.ROOT).trim();
    for (String candidate : new String[] {m, m.substring(m.indexOf('/') + 1)}) {
      ModelPrice p = prices.get(candidate);
      if (p != null) {
        return Optional.of(p);
      }
      p = prices.get(DATE_SUFFIX.matcher(candidate).replaceFirst(""));
      if (p != null) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The cost of one call: (input - cached) at the input rate, cached at the cache-read rate, output and reasoning
   * at the output rate. Empty when the model is not in the book ("unpriced": never counted as $0).
   */
  public Optional<BigDecimal> cost(LlmUsage u) {
    return find(u.model()).map(p -> p.input().multiply(BigDecimal.valueOf(u.inputTokens() - u.cachedInputTokens()))
        .add(p.cacheRead().multiply(BigDecimal.valueOf(u.cachedInputTokens())))
        .add(p.output().multiply(BigDecimal.valueOf(u.outputTokens() + u.reasoningTokens()))));
  }

  /** Checks an event's fields; the message names the first bad one. */
  public static void validate(LlmUsage u) {
    if (u.provider().isBlank()) {
      throw new AppException("Invalid usage event: 'provider' is empty");
    }
    if (u.model().isBlank()) {
      throw new AppException("Invalid usage event: 'model' is empty");
    }
    check(u.inputTokens(), "inputTokens");
    check(u.cachedInputTokens(), "cachedInputTokens");
    check(u.outputTokens(), "outputTokens");
    check(u.reasoningTokens(), "reasoningTokens");
    if (u.cachedInputTokens() > u.inputTokens()) {
      throw new AppException("Invalid usage event: 'cachedInputTokens' (" + u.cachedInputTokens()
          + ") exceeds 'inputTokens' (" + u.inputTokens() + ")");
    }
  }

  private static void check(long v, String field) {
    if (v < 0) {
      throw new AppException("Invalid usage event: '" + field + "' is negative (" + v + ")");
    }
  }
}
