package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every bound of {@link UsageRules}, at the limit (accepted) and one past it (rejected, naming the field). */
class UsageRulesTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final long MAX = UsageRules.MAX_TOKENS;

  private static LlmUsage event(String provider, String model, String route, long in, long cached, long out,
      long reasoning, long write, long write1h, Instant at) {
    return new LlmUsage(at, provider, model, in, cached, out, reasoning, route, write, write1h);
  }

  private static LlmUsage ok() {
    return event("openai", "gpt-4o", "api", 100, 10, 5, 1, 20, 5, NOW);
  }

  private static void accepted(LlmUsage u) {
    assertThatCode(() -> UsageRules.check(u, "[3].", NOW, false)).doesNotThrowAnyException();
  }

  private static UsageRejected rejected(LlmUsage u, boolean backfill) {
    try {
      UsageRules.check(u, "[3].", NOW, backfill);
    } catch (UsageRejected e) {
      return e;
    }
    throw new AssertionError("accepted: " + u);
  }

  @Test
  void textFieldsAreAcceptedUpToTheirColumnSizeAndRejectedOnePast() {
    accepted(event("p".repeat(64), "m".repeat(200), "r".repeat(64), 1, 0, 1, 0, 0, 0, NOW));

    UsageRejected provider = rejected(event("p".repeat(65), "m", "r", 1, 0, 1, 0, 0, 0, NOW), false);
    assertThat(provider.field()).isEqualTo("[3].provider");
    assertThat(provider.userMessage()).isEqualTo("Invalid usage event: '[3].provider' is longer than 64 characters"
        + " (65)");
    UsageRejected model = rejected(event("p", "m".repeat(201), "r", 1, 0, 1, 0, 0, 0, NOW), false);
    assertThat(model.field()).isEqualTo("[3].model");
    assertThat(model.userMessage()).endsWith("is longer than 200 characters (201)");
    UsageRejected route = rejected(event("p", "m", "r".repeat(65), 1, 0, 1, 0, 0, 0, NOW), false);
    assertThat(route.field()).isEqualTo("[3].route");
    assertThat(route.userMessage()).endsWith("is longer than 64 characters (65)");
  }

  @Test
  void providerAndModelAreRequiredButTheRouteMayBeBlank() {
    accepted(event("openai", "gpt-4o", "", 1, 0, 1, 0, 0, 0, NOW));
    accepted(event("openai", "gpt-4o", " ", 1, 0, 1, 0, 0, 0, NOW));

    UsageRejected provider = rejected(event(" ", "gpt-4o", "api", 1, 0, 1, 0, 0, 0, NOW), false);
    assertThat(provider.field()).isEqualTo("[3].provider");
    assertThat(provider.userMessage()).isEqualTo("Invalid usage event: '[3].provider' is empty");
    UsageRejected model = rejected(event("openai", "", "api", 1, 0, 1, 0, 0, 0, NOW), false);
    assertThat(model.field()).isEqualTo("[3].model");
    assertThat(model.userMessage()).endsWith("is empty");
  }

  @Test
  void controlCharactersAreRejectedInEveryTextField() {
    assertThat(rejected(event("open\nai", "m", "r", 1, 0, 1, 0, 0, 0, NOW), false).field()).isEqualTo("[3].provider");
    assertThat(rejected(event("p", "gpt\u001b[31m", "r", 1, 0, 1, 0, 0, 0, NOW), false).userMessage())
        .isEqualTo("Invalid usage event: '[3].model' contains control characters");
    assertThat(rejected(event("p", "m", "api\r", 1, 0, 1, 0, 0, 0, NOW), false).field()).isEqualTo("[3].route");
  }

  @Test
  void everyTokenCountIsAcceptedFromZeroToTenBillion() {
    accepted(event("p", "m", "r", 0, 0, 0, 0, 0, 0, NOW));
    accepted(event("p", "m", "r", MAX, MAX / 2, MAX, MAX, MAX / 2, MAX / 2, NOW));
  }

  @Test
  void everyTokenCountIsRejectedBelowZeroAndAboveTenBillionNamingIt() {
    String[] fields = {"inputTokens", "cachedInputTokens", "outputTokens", "reasoningTokens", "cacheWriteTokens",
        "cacheWrite1hTokens"};
    for (int i = 0; i < fields.length; i++) {
      for (long bad : new long[] {-1, MAX + 1}) {
        long[] v = {MAX, 0, 0, 0, 0, 0};
        v[i] = bad;
        UsageRejected e = rejected(event("p", "m", "r", v[0], v[1], v[2], v[3], v[4], v[5], NOW), false);
        assertThat(e.field()).as(fields[i] + "=" + bad).isEqualTo("[3]." + fields[i]);
        assertThat(e.userMessage()).isEqualTo("Invalid usage event: '[3]." + fields[i]
            + "' must be between 0 and 10000000000, got " + bad);
      }
    }
  }

  @Test
  void cachedTokensMayEqualButNotExceedTheInput() {
    accepted(event("p", "m", "r", 10, 10, 0, 0, 0, 0, NOW));

    UsageRejected e = rejected(event("p", "m", "r", 10, 11, 0, 0, 0, 0, NOW), false);
    assertThat(e.field()).isEqualTo("[3].cachedInputTokens");
    assertThat(e.userMessage()).isEqualTo("Invalid usage event: '[3].cachedInputTokens' (11) exceeds"
        + " '[3].inputTokens' (10)");
  }

  @Test
  void cachedPlusWrittenTokensMayEqualButNotExceedTheInput() {
    accepted(event("p", "m", "r", 10, 4, 0, 0, 6, 0, NOW));

    UsageRejected e = rejected(event("p", "m", "r", 10, 4, 0, 0, 7, 0, NOW), false);
    assertThat(e.field()).isEqualTo("[3].cacheWriteTokens");
    assertThat(e.userMessage()).startsWith("Invalid usage event: '[3].cacheWriteTokens' (7) plus"
        + " '[3].cachedInputTokens' exceeds '[3].inputTokens' (10)");
  }

  @Test
  void oneHourWritesMayEqualButNotExceedAllWrites() {
    accepted(event("p", "m", "r", 10, 0, 0, 0, 6, 6, NOW));

    UsageRejected e = rejected(event("p", "m", "r", 10, 0, 0, 0, 6, 7, NOW), false);
    assertThat(e.field()).isEqualTo("[3].cacheWrite1hTokens");
    assertThat(e.userMessage()).isEqualTo("Invalid usage event: '[3].cacheWrite1hTokens' (7) exceeds"
        + " '[3].cacheWriteTokens' (6)");
  }

  @Test
  void liveEventsMustBeWithinADayOfNowBothWays() {
    Duration day = UsageRules.WINDOW;
    assertThat(day).isEqualTo(Duration.ofDays(1));
    accepted(event("p", "m", "r", 1, 0, 1, 0, 0, 0, NOW.plus(day)));
    accepted(event("p", "m", "r", 1, 0, 1, 0, 0, 0, NOW.minus(day)));

    UsageRejected future = rejected(event("p", "m", "r", 1, 0, 1, 0, 0, 0, NOW.plus(day).plusMillis(1)), false);
    assertThat(future.field()).isEqualTo("[3].time");
    assertThat(future.userMessage()).isEqualTo("Invalid usage event: '[3].time' (2026-11-24T10:00:00.001Z) must be"
        + " between 2026-11-22T10:00:00Z and 2026-11-24T10:00:00Z; older events need backfill=true");
    UsageRejected old = rejected(event("p", "m", "r", 1, 0, 1, 0, 0, 0, NOW.minus(day).minusMillis(1)), false);
    assertThat(old.field()).isEqualTo("[3].time");
  }

  @Test
  void backfilledEventsMayBeOldButNotBefore2000NorInTheFuture() {
    assertThatCode(() -> UsageRules.check(event("p", "m", "r", 1, 0, 1, 0, 0, 0, UsageRules.EARLIEST), "", NOW,
        true)).doesNotThrowAnyException();

    UsageRejected tooOld = rejected(event("p", "m", "r", 1, 0, 1, 0, 0, 0, UsageRules.EARLIEST.minusMillis(1)), true);
    assertThat(tooOld.userMessage()).isEqualTo("Invalid usage event: '[3].time' (1999-12-31T23:59:59.999Z) must be"
        + " between 2000-01-01T00:00:00Z and 2026-11-24T10:00:00Z");
    assertThat(rejected(event("p", "m", "r", 1, 0, 1, 0, 0, 0, NOW.plus(Duration.ofDays(2))), true).field())
        .isEqualTo("[3].time");
  }

  @Test
  void aValidEventPassesWithoutAPrefix() {
    assertThatCode(() -> UsageRules.check(ok(), "", NOW, false)).doesNotThrowAnyException();
    assertThatThrownBy(() -> UsageRules.check(event("", "m", "r", 1, 0, 1, 0, 0, 0, NOW), "", NOW, false))
        .isInstanceOfSatisfying(UsageRejected.class, e -> assertThat(e.field()).isEqualTo("provider"));
  }

  @Test
  void aCostIsAcceptedFromZeroToTheColumnMaximum() {
    assertThatCode(() -> UsageRules.checkCost(BigDecimal.ZERO, "")).doesNotThrowAnyException();
    assertThatCode(() -> UsageRules.checkCost(UsageRules.MAX_COST, "")).doesNotThrowAnyException();

    assertThatThrownBy(() -> UsageRules.checkCost(new BigDecimal("-0.0000000001"), "[1]."))
        .isInstanceOfSatisfying(UsageRejected.class, e -> {
          assertThat(e.field()).isEqualTo("[1].cost");
          assertThat(e.userMessage()).isEqualTo("Invalid usage event: '[1].cost' (computed from the tokens and the"
              + " model's price: -0.0000000001 USD) must be between 0 and 9999999999.9999999999");
        });
    assertThatThrownBy(() -> UsageRules.checkCost(UsageRules.MAX_COST.add(new BigDecimal("1e-10")), ""))
        .isInstanceOfSatisfying(UsageRejected.class, e -> assertThat(e.field()).isEqualTo("cost"));
  }
}
