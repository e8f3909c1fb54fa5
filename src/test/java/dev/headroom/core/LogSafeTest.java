package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
  @Test
  void lineBreaksAndAnsiSequencesBecomeVisibleEscapes() {
    String hostile = "gpt-4o\r\n2026-11-23T10:00:00Z INFO dev.headroom.App - forged\u001b[31mred\u0007\u2028x";
    String clean = LogSafe.clean(hostile);
    assertThat(clean).doesNotContain("\r", "\n", "\u001b", "\u0007", "\u2028");
    assertThat(clean).isEqualTo("gpt-4o\\r\\n2026-11-23T10:00:00Z INFO dev.headroom.App - forged\\u001b[31mred\\u0007"
        + "\\u2028x");
  }

  @Test
  void plainTextIsUnchangedAndLongTextIsCut() {
    assertThat(LogSafe.clean("claude-sonnet-4-5 (anthropic)")).isEqualTo("claude-sonnet-4-5 (anthropic)");
    assertThat(LogSafe.clean(null)).isEqualTo("null");
    String cut = LogSafe.clean("x".repeat(10_000));
    assertThat(cut).startsWith("x".repeat(LogSafe.MAX_LENGTH)).endsWith("...(10000 chars)");
    assertThat(LogSafe.escapeAll("a\tb")).isEqualTo("a\\tb");
  }

  @Test
  void controlDetectionCoversC0C1DelAndBidi() {
    assertThat(LogSafe.hasControl("ok")).isFalse();
    assertThat(LogSafe.hasControl("a\u007fb")).isTrue();
    assertThat(LogSafe.hasControl("a\u0085b")).isTrue();
    assertThat(LogSafe.hasControl("a\u202eb")).isTrue();
    assertThat(LogSafe.hasControl("a\u2066b")).isTrue();
    assertThat(LogSafe.hasControl("é ü 中文")).isFalse();
  }
}
