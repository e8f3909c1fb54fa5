package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.cost.LlmUsage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Cache-write tokens from Anthropic answers (JSON and SSE) and from OpenAI-format proxies, on text fixtures. */
class UsageParsersTest {

  @Test
  void anthropicCacheWritesAreCountedInInputAndKeptApartWithTheirTtl() {
    // Shape of a Messages answer with prompt caching (docs.anthropic.com, "prompt caching": usage object).
    String body = "{\"id\":\"msg_01\",\"type\":\"message\",\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":"
        + "{\"input_tokens\":2000,\"cache_creation_input_tokens\":8000,\"cache_read_input_tokens\":2000,"
        + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":5000,\"ephemeral_1h_input_tokens\":3000},"
        + "\"output_tokens\":500,\"service_tier\":\"standard\"}}";
    UsageParsers.Tokens t = UsageParsers.anthropicJson(body).orElseThrow();
    assertThat(t.input()).isEqualTo(12_000);
    assertThat(t.cached()).isEqualTo(2_000);
    assertThat(t.cacheWrite()).isEqualTo(8_000);
    assertThat(t.cacheWrite1h()).isEqualTo(3_000);
    LlmUsage u = t.toUsage(Instant.EPOCH, "anthropic", "claude");
    assertThat(u.cacheWriteTokens()).isEqualTo(8_000);
    assertThat(u.cacheWrite1hTokens()).isEqualTo(3_000);
  }

  @Test
  void anAnswerWithoutTheTtlObjectCountsAllWritesAsFiveMinute() {
    String body = "{\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":90,"
        + "\"cache_read_input_tokens\":0,\"output_tokens\":5}}";
    UsageParsers.Tokens t = UsageParsers.anthropicJson(body).orElseThrow();
    assertThat(t.input()).isEqualTo(100);
    assertThat(t.cacheWrite()).isEqualTo(90);
    assertThat(t.cacheWrite1h()).isZero();
  }

  @Test
  void aStreamedAnthropicAnswerKeepsItsCacheWritesPastMessageDelta() {
    UsageParsers.Tokens acc = UsageParsers.sseData(true, "{\"type\":\"message_start\",\"message\":{\"model\":"
        + "\"claude-opus-4-5\",\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":1200,"
        + "\"cache_read_input_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,"
        + "\"ephemeral_1h_input_tokens\":1200},\"output_tokens\":1}}}", null);
    acc = UsageParsers.sseData(true, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
        + "\"usage\":{\"output_tokens\":42}}", acc);
    assertThat(acc.input()).isEqualTo(1203);
    assertThat(acc.output()).isEqualTo(42);
    assertThat(acc.cacheWrite()).isEqualTo(1200);
    assertThat(acc.cacheWrite1h()).isEqualTo(1200);
  }

  @Test
  void anOpenAiFormatAnswerFromAProxyCarriesAnthropicCacheWrites() {
    // LiteLLM's OpenAI-format usage for an Anthropic model: prompt_tokens include the cache reads and writes.
    String body = "{\"model\":\"claude-sonnet-4-5\",\"usage\":{\"prompt_tokens\":12000,\"completion_tokens\":500,"
        + "\"total_tokens\":12500,\"prompt_tokens_details\":{\"cached_tokens\":2000},"
        + "\"cache_creation_input_tokens\":8000,\"cache_read_input_tokens\":2000}}";
    UsageParsers.Tokens t = UsageParsers.openAiJson(body).orElseThrow();
    assertThat(t.input()).isEqualTo(12_000);
    assertThat(t.cached()).isEqualTo(2_000);
    assertThat(t.cacheWrite()).isEqualTo(8_000);
  }

  @Test
  void plainOpenAiAnswersHaveNoCacheWrites() {
    String body = "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":250,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":1024}}}";
    assertThat(UsageParsers.openAiJson(body).orElseThrow().cacheWrite()).isZero();
  }
}
