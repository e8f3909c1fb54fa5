package dev.headroom.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LLM prices per token, in the community price-sheet format (LiteLLM's {@code model_prices_and_context_window.json}:
 * {@code input_cost_per_token}, {@code output_cost_per_token}, {@code cache_read_input_token_cost},
 * {@code cache_creation_input_token_cost}, {@code cache_creation_input_token_cost_above_1hr},
 * {@code output_cost_per_reasoning_token} and the {@code *_above_200k_tokens} / {@code *_above_272k_tokens} tiers).
 * The bundled {@code llm-prices.json} is read first; a user file ({@code cost.priceBookPath}) overrides it model by
 * model. The book's models can be replaced at run time ({@link #replaceModels}, the daily refresh) without the
 * holders of the book noticing anything but the new prices.
 *
 * <p><b>Lookup order</b> ({@link #resolve}); the first candidate the book has wins, so a dated id with its own
 * price ({@code gpt-4o-2024-05-13}) is priced as itself, never as its base:
 * <ol>
 *   <li>the id as given (lower case), then qualified as the sheet keys some ids ({@code bedrock/ID},
 *       {@code gemini/ID});</li>
 *   <li>without routing prefixes, one at a time: {@code openrouter/}, {@code bedrock/} (and a
 *       {@code bedrock/<aws-region>/} or {@code bedrock/converse/} segment), {@code vertex_ai/}, {@code azure/},
 *       {@code azure_ai/}, then a vendor segment ({@code openai/}, {@code anthropic/}, {@code google/},
 *       {@code gemini/});</li>
 *   <li>Bedrock ids: without the region prefix ({@code us.}, {@code eu.}, {@code apac.}, {@code global.},
 *       {@code jp.}, {@code au.}), then without the vendor prefix ({@code anthropic.}), then without the version
 *       suffix ({@code -v1:0});</li>
 *   <li>Vertex ids: {@code claude-sonnet-4-5@20250929} as {@code claude-sonnet-4-5-20250929}, then without the
 *       {@code @version};</li>
 *   <li>last, without a date suffix ({@code -2024-08-06}, {@code -20250929}, {@code -latest}).</li>
 * </ol>
 */
public final class PriceBook {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)$");
  private static final Pattern BEDROCK_REGION = Pattern.compile("^(us|eu|apac|global|jp|au|us-gov)\\.");
  private static final Pattern BEDROCK_VENDOR = Pattern.compile("^(anthropic|openai|google|meta|amazon)\\.");
  private static final Pattern BEDROCK_VERSION = Pattern.compile("-v\\d+(:\\d+)?$");
  private static final Pattern AWS_REGION = Pattern.compile("^[a-z]{2}(-gov)?-[a-z]+-\\d/");
  private static final List<String> ROUTES = List.of("openrouter/", "bedrock/converse/", "bedrock/", "vertex_ai/",
      "azure_ai/", "azure/");
  private static final List<String> VENDORS = List.of("openai/", "anthropic/", "google/", "gemini/");
  private static final Pattern TIER = Pattern.compile("(.+)_above_(\\d+)k_tokens$");

  /**
   * Per-token prices of one model above a prompt size; a field the sheet leaves out falls back to the base price.
   *
   * @param aboveTokens the tier applies when the prompt (input incl. cached and cache writes) exceeds this
   */
  public record Tier(long aboveTokens, Optional<BigDecimal> input, Optional<BigDecimal> output,
      Optional<BigDecimal> cacheRead, Optional<BigDecimal> cacheWrite, Optional<BigDecimal> cacheWrite1h) {}

  /**
   * Per-token prices of one model. Cache-read and cache-write fall back to the input price, the 1-hour cache write to
   * the 5-minute one, reasoning to the output price, when the sheet has none.
   */
  public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite,
      BigDecimal cacheWrite1h, BigDecimal reasoning, List<Tier> tiers) {

    /** Input and output only (tests, simple sheets). */
    public ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead) {
      this(input, output, cacheRead, input, input, output, List.of());
    }
  }

  /** The model an id resolved to and its price. */
  public record Resolved(String key, ModelPrice price) {}

  /** The book's provenance (the sheet, its commit and date), from its {@code _source} entry. */
  public record Source(String sheet, String commit, String asOf) {}

  private record Models(Map<String, ModelPrice> prices, Optional<Source> source) {}

  private final AtomicReference<Models> models;

  private PriceBook(Map<String, ModelPrice> prices, Optional<Source> source) {
    this.models = new AtomicReference<>(new Models(Map.copyOf(prices), source));
  }

  /** The bundled book, overridden by {@code userFile} when given. */
  public static PriceBook load(Optional<Path> userFile) {
    Map<String, ModelPrice> all = new HashMap<>();
    Optional<Source> source;
    try (InputStream in = PriceBook.class.getResourceAsStream("/llm-prices.json")) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource /llm-prices.json");
      }
      JsonNode root = JSON.readTree(in);
      read(root, all, "the bundled price book");
      source = source(root);
    } catch (IOException e) {
      throw new IllegalStateException("Bundled price book unreadable", e);
    }
    if (userFile.isPresent()) {
      try {
        JsonNode root = JSON.readTree(userFile.get().toFile());
        read(root, all, userFile.get().toString());
        source = source(root).or(() -> Optional.of(new Source(userFile.get().toString(), "", "")));
      } catch (IOException e) {
        throw new AppException("Cannot read the price book " + userFile.get() + ": " + e.getMessage(), e);
      }
    }
    return new PriceBook(all, source);
  }

  /** A book of exactly the priced models in {@code sheet}; throws {@link AppException} when it is not a sheet. */
  public static PriceBook parse(JsonNode sheet, String name) {
    Map<String, ModelPrice> all = new HashMap<>();
    read(sheet, all, name);
    return new PriceBook(all, source(sheet));
  }

  /** How many priced models the book holds. */
  public int size() {
    return models.get().prices().size();
  }

  /** Where the book comes from and its date, when the sheet says. */
  public Optional<Source> source() {
    return models.get().source();
  }

  /**
   * Replaces the models with {@code fresh}'s plus this book's models that {@code fresh} does not price (a refreshed
   * sheet adds and updates, it never drops a price). Readers see the old or the new book, never a mix.
   */
  public void replaceModels(PriceBook fresh) {
    Models incoming = fresh.models.get();
    models.updateAndGet(old -> {
      Map<String, ModelPrice> merged = new HashMap<>(old.prices());
      merged.putAll(incoming.prices());
      return new Models(Map.copyOf(merged), incoming.source().or(old::source));
    });
  }

  private static Optional<Source> source(JsonNode root) {
    JsonNode s = root.path("_source");
    if (!s.isObject()) {
      return Optional.empty();
    }
    return Optional.of(new Source(s.path("sheet").asText(""), s.path("commit").asText(""), s.path("asOf").asText("")));
  }

  private static void read(JsonNode root, Map<String, ModelPrice> into, String source) {
    if (root == null || !root.isObject()) {
      throw new AppException("Price book " + source + " must be a JSON object of models");
    }
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode m = e.getValue();
      if (e.getKey().startsWith("_") || !m.isObject() || !m.path("input_cost_per_token").isNumber()
          || !m.path("output_cost_per_token").isNumber()) {
        continue; // provenance, image, embedding or sample_spec entries: not priced per chat token here
      }
      into.put(e.getKey().toLowerCase(Locale.ROOT).trim(), price(m));
    }
  }

  private static ModelPrice price(JsonNode m) {
    BigDecimal in = m.get("input_cost_per_token").decimalValue();
    BigDecimal out = m.get("output_cost_per_token").decimalValue();
    BigDecimal read = number(m, "cache_read_input_token_cost").orElse(in);
    BigDecimal write = number(m, "cache_creation_input_token_cost").orElse(in);
    BigDecimal write1h = number(m, "cache_creation_input_token_cost_above_1hr").orElse(write);
    BigDecimal reasoning = number(m, "output_cost_per_reasoning_token").orElse(out);
    Map<Long, Map<String, BigDecimal>> tiers = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = m.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      Matcher t = TIER.matcher(f.getKey());
      if (t.matches() && f.getValue().isNumber()) {
        tiers.computeIfAbsent(Long.parseLong(t.group(2)) * 1000, k -> new HashMap<>())
            .put(t.group(1), f.getValue().decimalValue());
      }
    }
    List<Tier> list = new ArrayList<>();
    tiers.forEach((above, f) -> list.add(new Tier(above, Optional.ofNullable(f.get("input_cost_per_token")),
        Optional.ofNullable(f.get("output_cost_per_token")), Optional.ofNullable(f.get("cache_read_input_token_cost")),
        Optional.ofNullable(f.get("cache_creation_input_token_cost")),
        Optional.ofNullable(f.get("cache_creation_input_token_cost_above_1hr")))));
    list.sort(Comparator.comparingLong(Tier::aboveTokens));
    return new ModelPrice(in, out, read, write, write1h, reasoning, List.copyOf(list));
  }

  private static Optional<BigDecimal> number(JsonNode m, String field) {
    JsonNode v = m.get(field);
    return v != null && v.isNumber() ? Optional.of(v.decimalValue()) : Optional.empty();
  }

  /** The price of {@code model}, following the lookup order above. */
  public Optional<ModelPrice> find(String model) {
    return resolve(model).map(Resolved::price);
  }

  /** The book entry {@code model} resolves to (its key and price), following the lookup order above. */
  public Optional<Resolved> resolve(String model) {
    Map<String, ModelPrice> prices = models.get().prices();
    for (String c : candidates(model)) {
      ModelPrice p = prices.get(c);
      if (p != null) {
        return Optional.of(new Resolved(c, p));
      }
    }
    return Optional.empty();
  }

  /** The ids tried for {@code model}, in order (package-private: the order is tested). */
  static List<String> candidates(String model) {
    String id = model.toLowerCase(Locale.ROOT).trim();
    Set<String> out = new LinkedHashSet<>();
    out.add(id);
    out.add("bedrock/" + id);
    out.add("gemini/" + id);
    // 2. routing and vendor prefixes, one at a time
    String routed = id;
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String p : ROUTES) {
        if (routed.startsWith(p)) {
          routed = AWS_REGION.matcher(routed.substring(p.length())).replaceFirst("");
          out.add(routed);
          stripped = true;
        }
      }
      for (String p : VENDORS) {
        if (routed.startsWith(p)) {
          routed = routed.substring(p.length());
          out.add(routed);
          stripped = true;
        }
      }
    }
    // 3. Bedrock region, vendor, version
    String bedrock = routed;
    Matcher region = BEDROCK_REGION.matcher(bedrock);
    if (region.find()) {
      bedrock = bedrock.substring(region.end());
      out.add(bedrock);
    }
    Matcher vendor = BEDROCK_VENDOR.matcher(bedrock);
    if (vendor.find()) {
      bedrock = bedrock.substring(vendor.end());
      out.add(bedrock);
    }
    Matcher version = BEDROCK_VERSION.matcher(bedrock);
    if (version.find()) {
      bedrock = bedrock.substring(0, version.start());
      out.add(bedrock);
    }
    // 4. Vertex @version
    String base = bedrock;
    int at = base.indexOf('@');
    if (at > 0) {
      out.add(base.substring(0, at) + "-" + base.substring(at + 1));
      base = base.substring(0, at);
      out.add(base);
    }
    // 5. last, the undated base
    String undated = DATE_SUFFIX.matcher(base).replaceFirst("");
    out.add(undated);
    return List.copyOf(out);
  }

  /**
   * The cost of one call: plain input (input - cached - cache writes) at the input rate, cached at the cache-read
   * rate, 5-minute and 1-hour cache writes at their rates, output at the output rate, reasoning at the reasoning rate
   * (the output rate unless the sheet says otherwise); all at the highest {@code _above_Nk_tokens} tier the prompt
   * exceeds. Empty when the model is not in the book ("unpriced": never counted as $0).
   */
  public Optional<BigDecimal> cost(LlmUsage u) {
    return find(u.model()).map(p -> cost(p, u));
  }

  static BigDecimal cost(ModelPrice p, LlmUsage u) {
    BigDecimal in = p.input();
    BigDecimal out = p.output();
    BigDecimal read = p.cacheRead();
    BigDecimal write = p.cacheWrite();
    BigDecimal write1h = p.cacheWrite1h();
    BigDecimal reasoning = p.reasoning();
    for (Tier t : p.tiers()) {
      if (u.inputTokens() > t.aboveTokens()) {
        in = t.input().orElse(in);
        out = t.output().orElse(out);
        read = t.cacheRead().orElse(read);
        write = t.cacheWrite().orElse(write);
        write1h = t.cacheWrite1h().orElse(write1h);
        reasoning = t.output().orElse(reasoning);
      }
    }
    long writes5m = u.cacheWriteTokens() - u.cacheWrite1hTokens();
    long plain = u.inputTokens() - u.cachedInputTokens() - u.cacheWriteTokens();
    return in.multiply(BigDecimal.valueOf(plain))
        .add(read.multiply(BigDecimal.valueOf(u.cachedInputTokens())))
        .add(write.multiply(BigDecimal.valueOf(writes5m)))
        .add(write1h.multiply(BigDecimal.valueOf(u.cacheWrite1hTokens())))
        .add(out.multiply(BigDecimal.valueOf(u.outputTokens())))
        .add(reasoning.multiply(BigDecimal.valueOf(u.reasoningTokens())));
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
    check(u.cacheWriteTokens(), "cacheWriteTokens");
    check(u.cacheWrite1hTokens(), "cacheWrite1hTokens");
    if (u.cachedInputTokens() > u.inputTokens()) {
      throw new AppException("Invalid usage event: 'cachedInputTokens' (" + u.cachedInputTokens()
          + ") exceeds 'inputTokens' (" + u.inputTokens() + ")");
    }
    if (u.cachedInputTokens() + u.cacheWriteTokens() > u.inputTokens()) {
      throw new AppException("Invalid usage event: 'cacheWriteTokens' (" + u.cacheWriteTokens()
          + ") plus 'cachedInputTokens' exceeds 'inputTokens' (" + u.inputTokens() + "): input counts all prompt"
          + " tokens, cached and written ones included");
    }
    if (u.cacheWrite1hTokens() > u.cacheWriteTokens()) {
      throw new AppException("Invalid usage event: 'cacheWrite1hTokens' (" + u.cacheWrite1hTokens()
          + ") exceeds 'cacheWriteTokens' (" + u.cacheWriteTokens() + ")");
    }
  }

  private static void check(long v, String field) {
    if (v < 0) {
      throw new AppException("Invalid usage event: '" + field + "' is negative (" + v + ")");
    }
  }
}
