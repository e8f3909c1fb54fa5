package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.core.AppException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bundled book (LiteLLM sheet entries, commit 00035b69f416be24e2e323c13198d9b7d2d1bdf9) and the id lookup. */
class PriceBookTest {
  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
  private static final BigDecimal NANO = new BigDecimal("0.000000001");
  private final PriceBook book = PriceBook.load(Optional.empty());

  private static LlmUsage call(String model, long in, long cached, long write, long write1h, long out, long reasoning) {
    return new LlmUsage(T, "x", model, in, cached, out, reasoning, "api", write, write1h);
  }

  @ParameterizedTest(name = "{0} prices as {1}")
  @CsvSource({
      "gpt-4o-2024-05-13, gpt-4o-2024-05-13",           // a dated id with its own price: itself, not gpt-4o
      "gpt-4o-2024-08-06, gpt-4o-2024-08-06",
      "openrouter/openai/gpt-5, gpt-5",
      "openai/gpt-4.1-mini, gpt-4.1-mini",
      "azure/gpt-4o, gpt-4o",
      "vertex_ai/claude-sonnet-4-5@20250929, claude-sonnet-4-5-20250929",
      "claude-sonnet-4-5@20250929, claude-sonnet-4-5-20250929",
      "claude-opus-4-5@20251101, claude-opus-4-5-20251101",
      "anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5-20250929",
      "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5-20250929",
      "eu.anthropic.claude-opus-4-1-20250805-v1:0, claude-opus-4-1-20250805",
      "apac.anthropic.claude-sonnet-4-20250514-v1:0, claude-sonnet-4-20250514",
      "us.anthropic.claude-3-5-haiku-20241022-v1:0, bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0",
      "global.anthropic.claude-haiku-4-5-20251001-v1:0, global.anthropic.claude-haiku-4-5-20251001-v1:0",
      "bedrock/us-west-2/anthropic.claude-haiku-4-5-20251001-v1:0, claude-haiku-4-5-20251001",
      "anthropic/claude-opus-4-6, claude-opus-4-6",
      "gemini-3.1-pro-preview, gemini/gemini-3.1-pro-preview",
      "vertex_ai/gemini-2.5-pro, gemini-2.5-pro",
      "claude-sonnet-4-6-20991231, claude-sonnet-4-6",      // an unknown date falls back to the undated model
      "GPT-5-Nano, gpt-5-nano"})
  void everyIdFormPricesAsItsModel(String id, String key) {
    assertThat(book.resolve(id)).as(id).hasValueSatisfying(r -> assertThat(r.key()).isEqualTo(key));
  }

  @Test
  void theLookupOrderIsAsDocumented() {
    assertThat(PriceBook.candidates("vertex_ai/claude-sonnet-4-5@20250929")).containsSubsequence(
        "vertex_ai/claude-sonnet-4-5@20250929", "claude-sonnet-4-5@20250929", "claude-sonnet-4-5-20250929",
        "claude-sonnet-4-5");
    assertThat(PriceBook.candidates("us.anthropic.claude-3-5-haiku-20241022-v1:0")).containsSubsequence(
        "us.anthropic.claude-3-5-haiku-20241022-v1:0", "bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022",
        "claude-3-5-haiku");
    assertThat(PriceBook.candidates("openrouter/openai/gpt-5")).containsSubsequence("openrouter/openai/gpt-5",
        "openai/gpt-5", "gpt-5");
    assertThat(PriceBook.candidates("gpt-4o-2024-05-13")).first().isEqualTo("gpt-4o-2024-05-13");
    assertThat(PriceBook.candidates("gpt-4o-2024-05-13")).last().isEqualTo("gpt-4o");
  }

  @Test
  void aDatedIdWithItsOwnPriceIsNotPricedAsItsBase() {
    BigDecimal c = book.cost(call("gpt-4o-2024-05-13", 1_000_000, 0, 0, 0, 0, 0)).orElseThrow();
    assertThat(c).isEqualByComparingTo("5"); // $5 per M input on the sheet, not gpt-4o's $2.50
  }

  @Test
  void aSonnet45CallAbove200kTokensIsPricedAtTheLongContextTier() {
    // 250 000 prompt tokens: 50 000 cache reads, 10 000 5-minute and 10 000 1-hour cache writes, 180 000 plain.
    BigDecimal c = book.cost(call("claude-sonnet-4-5-20250929", 250_000, 50_000, 20_000, 10_000, 1_000, 0))
        .orElseThrow();
    BigDecimal sheet = new BigDecimal("6e-06").multiply(BigDecimal.valueOf(180_000))   // input_..._above_200k
        .add(new BigDecimal("6e-07").multiply(BigDecimal.valueOf(50_000)))             // cache_read_..._above_200k
        .add(new BigDecimal("7.5e-06").multiply(BigDecimal.valueOf(10_000)))           // cache_creation_..._above_200k
        .add(new BigDecimal("1.2e-05").multiply(BigDecimal.valueOf(10_000)))           // ..._above_1hr_above_200k
        .add(new BigDecimal("2.25e-05").multiply(BigDecimal.valueOf(1_000)));          // output_..._above_200k
    assertThat(c).isCloseTo(sheet, within(NANO));
    assertThat(c).isCloseTo(new BigDecimal("1.3275"), within(NANO));
    BigDecimal plain = book.cost(call("claude-sonnet-4-5", 250_000, 0, 0, 0, 2_000, 0)).orElseThrow();
    assertThat(plain).isCloseTo(new BigDecimal("1.545"), within(NANO)); // 250k x $6/M + 2k x $22.50/M
  }

  @Test
  void theTierStartsAbove200kNotAt() {
    BigDecimal at = book.cost(call("claude-sonnet-4-5", 200_000, 0, 0, 0, 0, 0)).orElseThrow();
    assertThat(at).isCloseTo(new BigDecimal("0.6"), within(NANO)); // 200k x $3/M
  }

  @Test
  void cacheWritesArePricedAtTheFiveMinuteAndOneHourRates() {
    // 12 000 prompt tokens: 2 000 read from cache, 8 000 written (3 000 with the 1-hour TTL), 2 000 plain.
    BigDecimal c = book.cost(call("claude-sonnet-4-5", 12_000, 2_000, 8_000, 3_000, 500, 0)).orElseThrow();
    BigDecimal sheet = new BigDecimal("3e-06").multiply(BigDecimal.valueOf(2_000))     // input_cost_per_token
        .add(new BigDecimal("3e-07").multiply(BigDecimal.valueOf(2_000)))              // cache_read_input_token_cost
        .add(new BigDecimal("3.75e-06").multiply(BigDecimal.valueOf(5_000)))           // cache_creation_input_token_cost
        .add(new BigDecimal("6e-06").multiply(BigDecimal.valueOf(3_000)))              // ..._above_1hr
        .add(new BigDecimal("1.5e-05").multiply(BigDecimal.valueOf(500)));             // output_cost_per_token
    assertThat(c).isCloseTo(sheet, within(NANO));
    assertThat(c).isCloseTo(new BigDecimal("0.05085"), within(NANO));
  }

  @Test
  void gpt55UsesItsOwn272kTier() {
    BigDecimal c = book.cost(call("gpt-5.5", 300_000, 0, 0, 0, 1_000, 0)).orElseThrow();
    assertThat(c).isCloseTo(new BigDecimal("1e-05").multiply(BigDecimal.valueOf(300_000))
        .add(new BigDecimal("4.5e-05").multiply(BigDecimal.valueOf(1_000))), within(NANO));
  }

  @Test
  void currentModelsOfTheThreeVendorsAreInTheBookWithTheSheetsDate() {
    for (String m : new String[] {"gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5.5", "gpt-5.4-pro", "o3", "o4-mini",
        "claude-opus-4-5", "claude-opus-4-7", "claude-sonnet-4-6", "claude-haiku-4-5", "gemini-2.5-pro",
        "gemini-2.5-flash", "gemini-3-flash-preview", "gemini-3.1-pro-preview"}) {
      assertThat(book.find(m)).as(m).isPresent();
    }
    assertThat(book.source()).hasValueSatisfying(s -> {
      assertThat(s.commit()).isEqualTo("00035b69f416be24e2e323c13198d9b7d2d1bdf9");
      assertThat(s.asOf()).isEqualTo("2026-04-23");
    });
  }

  @Test
  void anUnknownModelStaysUnpriced() {
    assertThat(book.cost(call("mystery-model-9", 10, 0, 0, 0, 10, 0))).isEmpty();
  }

  @Test
  void cacheWritesBeyondTheInputAreRejectedNamingTheField() {
    assertThatThrownBy(() -> PriceBook.validate(call("gpt-4o", 100, 50, 60, 0, 1, 0)))
        .isInstanceOf(AppException.class).hasMessageContaining("cacheWriteTokens");
    assertThatThrownBy(() -> PriceBook.validate(call("gpt-4o", 100, 0, 10, 20, 1, 0)))
        .hasMessageContaining("cacheWrite1hTokens");
  }
}
