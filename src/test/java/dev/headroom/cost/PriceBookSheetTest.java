package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a price sheet (fallback rates, tiers, skipped entries, provenance), merging books, and the id forms. */
class PriceBookSheetTest {
  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  @TempDir Path dir;

  private static JsonNode sheet(String json) throws IOException {
    return JSON.readTree(json.replace('\'', '"'));
  }

  private static LlmUsage call(long in, long cached, long write, long write1h, long out, long reasoning) {
    return new LlmUsage(T, "x", "m", in, cached, out, reasoning, "api", write, write1h);
  }

  @Test
  void missingCacheAndReasoningRatesFallBackToTheInputAndOutputRates() throws IOException {
    PriceBook.ModelPrice p = PriceBook.parse(sheet("{'m': {'input_cost_per_token': 0.000002,"
        + " 'output_cost_per_token': 0.00001}}"), "t").find("m").orElseThrow();

    assertThat(p.input()).isEqualByComparingTo("0.000002");
    assertThat(p.output()).isEqualByComparingTo("0.00001");
    assertThat(p.cacheRead()).isEqualByComparingTo("0.000002");
    assertThat(p.cacheWrite()).isEqualByComparingTo("0.000002");
    assertThat(p.cacheWrite1h()).isEqualByComparingTo("0.000002");
    assertThat(p.reasoning()).isEqualByComparingTo("0.00001");
    assertThat(p.tiers()).isEmpty();
  }

  @Test
  void theOneHourWriteFallsBackToTheFiveMinuteWriteAndReasoningHasItsOwnRate() throws IOException {
    PriceBook.ModelPrice p = PriceBook.parse(sheet("{'m': {'input_cost_per_token': 1, 'output_cost_per_token': 2,"
        + " 'cache_read_input_token_cost': 0.1, 'cache_creation_input_token_cost': 1.25,"
        + " 'output_cost_per_reasoning_token': 3}}"), "t").find("m").orElseThrow();

    assertThat(p.cacheRead()).isEqualByComparingTo("0.1");
    assertThat(p.cacheWrite()).isEqualByComparingTo("1.25");
    assertThat(p.cacheWrite1h()).isEqualByComparingTo("1.25");
    assertThat(p.reasoning()).isEqualByComparingTo("3");
    // 10 input (1 cached, 4 written of which 0 for an hour: 5 plain), 2 output, 3 reasoning
    assertThat(PriceBook.cost(p, call(10, 1, 4, 0, 2, 3))).isEqualByComparingTo("23.1"); // 5 + 0.1 + 5 + 4 + 9
  }

  @Test
  void everyPartOfACallIsPricedAtItsOwnRate() throws IOException {
    PriceBook.ModelPrice p = PriceBook.parse(sheet("{'m': {'input_cost_per_token': 1, 'output_cost_per_token': 100,"
        + " 'cache_read_input_token_cost': 10000, 'cache_creation_input_token_cost': 1000000,"
        + " 'cache_creation_input_token_cost_above_1hr': 100000000, 'output_cost_per_reasoning_token': 10000000000}}"),
        "t").find("m").orElseThrow();

    // 1 plain, 2 cached, 3 five-minute writes (7 - 4), 4 one-hour writes, 5 output, 6 reasoning: each in its own
    // digits, so a part priced at the wrong rate or dropped shows
    assertThat(PriceBook.cost(p, call(1 + 2 + 7, 2, 7, 4, 5, 6)))
        .isEqualByComparingTo("60403020501"); // 6e10 + 4e8 + 3e6 + 2e4 + 5e2 + 1
  }

  @Test
  void theHighestTierThePromptExceedsAppliesAndMissingTierRatesKeepTheLowerOnes() throws IOException {
    PriceBook.ModelPrice p = PriceBook.parse(sheet("{'m': {'input_cost_per_token': 1, 'output_cost_per_token': 2,"
        + " 'cache_read_input_token_cost': 0.5,"
        + " 'input_cost_per_token_above_272k_tokens': 4, 'output_cost_per_token_above_272k_tokens': 8,"
        + " 'input_cost_per_token_above_128k_tokens': 2, 'cache_read_input_token_cost_above_128k_tokens': 0.75,"
        + " 'cache_creation_input_token_cost_above_128k_tokens': 3,"
        + " 'cache_creation_input_token_cost_above_1hr_above_128k_tokens': 5,"
        + " 'output_cost_per_token_above_999k_tokens': 'not a number'}}"), "t").find("m").orElseThrow();

    assertThat(p.tiers()).extracting(PriceBook.Tier::aboveTokens).containsExactly(128_000L, 272_000L);
    assertThat(p.tiers().get(0).output()).isEmpty();
    assertThat(p.tiers().get(1).cacheRead()).isEmpty();
    // at 128 000 exactly: base rates
    assertThat(PriceBook.cost(p, call(128_000, 0, 0, 0, 1, 1))).isEqualByComparingTo("128004");
    // above 128k: input 2, cache read 0.75, writes 3 and 5, output still 2
    assertThat(PriceBook.cost(p, call(128_001, 1, 3, 1, 1, 1))).isEqualByComparingTo(
        new BigDecimal(2 * (128_001 - 1 - 3)).add(new BigDecimal("0.75")).add(new BigDecimal(3 * 2 + 5))
            .add(new BigDecimal(2 + 2)));
    // above 272k: input 4, output (and reasoning) 8, cache read still the 128k tier's
    assertThat(PriceBook.cost(p, call(272_001, 1, 0, 0, 1, 1))).isEqualByComparingTo(
        new BigDecimal(4 * 272_000).add(new BigDecimal("0.75")).add(new BigDecimal(8 + 8)));
  }

  @Test
  void entriesThatAreNotPricedPerChatTokenAreSkippedAndKeysAreLowerCased() throws IOException {
    PriceBook book = PriceBook.parse(sheet("{'_source': {'sheet': 's.json', 'commit': 'abc', 'asOf': '2026-01-02'},"
        + " '_private': {'input_cost_per_token': 1, 'output_cost_per_token': 1},"
        + " 'sample_spec': 'text',"
        + " 'embed': {'input_cost_per_token': 1},"
        + " 'image': {'output_cost_per_token': 1},"
        + " 'textual': {'input_cost_per_token': '1', 'output_cost_per_token': 1},"
        + " ' Mixed-Case ': {'input_cost_per_token': 1, 'output_cost_per_token': 1}}"), "t");

    assertThat(book.size()).isEqualTo(1);
    assertThat(book.resolve("MIXED-case")).hasValueSatisfying(r -> assertThat(r.key()).isEqualTo("mixed-case"));
    assertThat(book.source()).contains(new PriceBook.Source("s.json", "abc", "2026-01-02"));
  }

  @Test
  void aSheetWithoutProvenanceHasNoSourceAndANonObjectIsNotASheet() throws IOException {
    assertThat(PriceBook.parse(sheet("{'_source': 'x'}"), "t").source()).isEmpty();
    assertThat(PriceBook.parse(sheet("{'_source': {}}"), "t").source()).contains(new PriceBook.Source("", "", ""));
    assertThatThrownBy(() -> PriceBook.parse(sheet("[1, 2]"), "the download")).isInstanceOf(AppException.class)
        .hasMessage("Price book the download must be a JSON object of models");
    assertThatThrownBy(() -> PriceBook.parse(null, "nothing")).isInstanceOf(AppException.class);
  }

  @Test
  void aRefreshAddsAndUpdatesButNeverDropsAPrice() throws IOException {
    PriceBook book = PriceBook.parse(sheet("{'_source': {'sheet': 'old'}, 'a': {'input_cost_per_token': 1,"
        + " 'output_cost_per_token': 1}, 'b': {'input_cost_per_token': 2, 'output_cost_per_token': 2}}"), "t");

    book.replaceModels(PriceBook.parse(sheet("{'b': {'input_cost_per_token': 3, 'output_cost_per_token': 3},"
        + " 'c': {'input_cost_per_token': 4, 'output_cost_per_token': 4}}"), "t"));

    assertThat(book.size()).isEqualTo(3);
    assertThat(book.find("a").orElseThrow().input()).isEqualByComparingTo("1");
    assertThat(book.find("b").orElseThrow().input()).isEqualByComparingTo("3");
    assertThat(book.find("c").orElseThrow().input()).isEqualByComparingTo("4");
    assertThat(book.source()).as("a refresh without provenance keeps the old one")
        .hasValueSatisfying(s -> assertThat(s.sheet()).isEqualTo("old"));

    book.replaceModels(PriceBook.parse(sheet("{'_source': {'sheet': 'new'}}"), "t"));
    assertThat(book.source()).hasValueSatisfying(s -> assertThat(s.sheet()).isEqualTo("new"));
    assertThat(book.size()).isEqualTo(3);
  }

  @Test
  void aUserFileOverridesTheBundledBookModelByModel() throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, "{\"gpt-4o\": {\"input_cost_per_token\": 1, \"output_cost_per_token\": 2},"
        + " \"my-model\": {\"input_cost_per_token\": 3, \"output_cost_per_token\": 4}}");
    PriceBook bundled = PriceBook.load(Optional.empty());

    PriceBook book = PriceBook.load(Optional.of(file));

    assertThat(book.find("gpt-4o").orElseThrow().input()).isEqualByComparingTo("1");
    assertThat(book.find("my-model").orElseThrow().output()).isEqualByComparingTo("4");
    assertThat(book.size()).isEqualTo(bundled.size() + 1);
    assertThat(book.source()).contains(new PriceBook.Source(file.toString(), "", ""));
  }

  @Test
  void anUnreadableUserFileIsAnErrorNamingIt() throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{not json");

    assertThatThrownBy(() -> PriceBook.load(Optional.of(file))).isInstanceOf(AppException.class)
        .hasMessageStartingWith("Cannot read the price book " + file + ": ");
    assertThatThrownBy(() -> PriceBook.load(Optional.of(dir.resolve("missing.json"))))
        .isInstanceOf(AppException.class).hasMessageContaining("missing.json");
  }

  @Test
  void routingAndRegionPrefixesAreStrippedOneAtATime() {
    assertThat(PriceBook.candidates("bedrock/converse/us-gov-west-1/meta.llama3-70b-instruct-v2"))
        .containsSubsequence("bedrock/converse/us-gov-west-1/meta.llama3-70b-instruct-v2",
            "meta.llama3-70b-instruct-v2", "llama3-70b-instruct-v2", "llama3-70b-instruct");
    assertThat(PriceBook.candidates("azure_ai/openai/gpt-4o")).containsSubsequence("azure_ai/openai/gpt-4o",
        "openai/gpt-4o", "gpt-4o");
    assertThat(PriceBook.candidates("jp.amazon.nova-pro-v1:0")).containsSubsequence("jp.amazon.nova-pro-v1:0",
        "amazon.nova-pro-v1:0", "nova-pro-v1:0", "nova-pro");
    assertThat(PriceBook.candidates("google/gemini/gemini-2.5-pro")).containsSubsequence(
        "google/gemini/gemini-2.5-pro", "gemini/gemini-2.5-pro", "gemini-2.5-pro");
    assertThat(PriceBook.candidates("  GPT-4O-Latest ")).containsExactly("gpt-4o-latest", "bedrock/gpt-4o-latest",
        "gemini/gpt-4o-latest", "gpt-4o");
    assertThat(PriceBook.candidates("@x")).containsExactly("@x", "bedrock/@x", "gemini/@x");
    assertThat(PriceBook.candidates("m-20250101")).last().isEqualTo("m");
  }

  @Test
  void validateNamesTheFirstBadField() {
    assertThatThrownBy(() -> PriceBook.validate(new LlmUsage(T, " ", "m", 1, 0, 1, 0, "api")))
        .hasMessage("Invalid usage event: 'provider' is empty");
    assertThatThrownBy(() -> PriceBook.validate(new LlmUsage(T, "p", "", 1, 0, 1, 0, "api")))
        .hasMessage("Invalid usage event: 'model' is empty");
    List<String> fields = List.of("inputTokens", "cachedInputTokens", "outputTokens", "reasoningTokens",
        "cacheWriteTokens", "cacheWrite1hTokens");
    for (int i = 0; i < fields.size(); i++) {
      long[] v = new long[6];
      v[i] = -1;
      LlmUsage u = new LlmUsage(T, "p", "m", v[0], v[1], v[2], v[3], "api", v[4], v[5]);
      assertThatThrownBy(() -> PriceBook.validate(u)).as(fields.get(i))
          .hasMessage("Invalid usage event: '" + fields.get(i) + "' is negative (-1)");
    }
    assertThatThrownBy(() -> PriceBook.validate(new LlmUsage(T, "p", "m", 5, 6, 1, 0, "api")))
        .hasMessage("Invalid usage event: 'cachedInputTokens' (6) exceeds 'inputTokens' (5)");
    PriceBook.validate(new LlmUsage(T, "p", "m", 5, 5, 0, 0, "api"));
    PriceBook.validate(new LlmUsage(T, "p", "m", 5, 2, 0, 0, "api", 3, 3));
    assertThatThrownBy(() -> PriceBook.validate(new LlmUsage(T, "p", "m", 5, 2, 0, 0, "api", 4, 0)))
        .hasMessageStartingWith("Invalid usage event: 'cacheWriteTokens' (4) plus 'cachedInputTokens' exceeds"
            + " 'inputTokens' (5)");
    assertThatThrownBy(() -> PriceBook.validate(new LlmUsage(T, "p", "m", 5, 0, 0, 0, "api", 3, 4)))
        .hasMessage("Invalid usage event: 'cacheWrite1hTokens' (4) exceeds 'cacheWriteTokens' (3)");
  }
}
