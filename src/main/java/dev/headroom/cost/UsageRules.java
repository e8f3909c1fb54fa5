package dev.headroom.cost;

import dev.headroom.core.LogSafe;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The bounds a usage event must meet before it is accepted: every field is checked so that nothing stored can
 * overflow a column or a running total, and nothing injected is counted. Limits follow the {@code llm_usage}
 * columns (V3__cost.sql).
 *
 * <pre>{@code
 * UsageRules.check(usage, "[0].", clock.instant(), false); // throws UsageRejected naming the field
 * }</pre>
 */
public final class UsageRules {
  /** At most this many tokens of each kind in one event (10^10: far above any real call). */
  public static final long MAX_TOKENS = 10_000_000_000L;
  public static final int MAX_PROVIDER = 64;
  public static final int MAX_MODEL = 200;
  public static final int MAX_ROUTE = 64;
  /** Live events must be this close to now; backfilled events may be older, but not before {@link #EARLIEST}. */
  public static final Duration WINDOW = Duration.ofDays(1);
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  /** The largest cost the {@code DECIMAL(20, 10)} column holds. */
  public static final BigDecimal MAX_COST = new BigDecimal("9999999999.9999999999");

  private UsageRules() {}

  /**
   * Checks every field of {@code u}.
   *
   * @param at prefix of field names in messages ("" or "[3].")
   * @param backfill true when the client asked to store events older than {@link #WINDOW}
   * @throws UsageRejected naming the first bad field
   */
  public static void check(LlmUsage u, String at, Instant now, boolean backfill) {
    text(u.provider(), at + "provider", MAX_PROVIDER, true);
    text(u.model(), at + "model", MAX_MODEL, true);
    text(u.route(), at + "route", MAX_ROUTE, false);
    tokens(u.inputTokens(), at + "inputTokens");
    tokens(u.cachedInputTokens(), at + "cachedInputTokens");
    tokens(u.outputTokens(), at + "outputTokens");
    tokens(u.reasoningTokens(), at + "reasoningTokens");
    if (u.cachedInputTokens() > u.inputTokens()) {
      throw new UsageRejected(at + "cachedInputTokens", "(" + u.cachedInputTokens() + ") exceeds '" + at
          + "inputTokens' (" + u.inputTokens() + ")");
    }
    tokens(u.cacheWriteTokens(), at + "cacheWriteTokens");
    tokens(u.cacheWrite1hTokens(), at + "cacheWrite1hTokens");
    if (u.cachedInputTokens() + u.cacheWriteTokens() > u.inputTokens()) {
      throw new UsageRejected(at + "cacheWriteTokens", "(" + u.cacheWriteTokens() + ") plus '" + at
          + "cachedInputTokens' exceeds '" + at + "inputTokens' (" + u.inputTokens() + "): input counts all prompt"
          + " tokens, cached and written ones included");
    }
    if (u.cacheWrite1hTokens() > u.cacheWriteTokens()) {
      throw new UsageRejected(at + "cacheWrite1hTokens", "(" + u.cacheWrite1hTokens() + ") exceeds '" + at
          + "cacheWriteTokens' (" + u.cacheWriteTokens() + ")");
    }
    Instant latest = now.plus(WINDOW);
    Instant earliest = backfill ? EARLIEST : now.minus(WINDOW);
    if (u.time().isAfter(latest) || u.time().isBefore(earliest)) {
      throw new UsageRejected(at + "time", "(" + LogSafe.clean(u.time()) + ") must be between " + earliest + " and "
          + latest + (backfill ? "" : "; older events need backfill=true"));
    }
  }

  /** Checks a computed cost against the column. */
  public static void checkCost(BigDecimal cost, String at) {
    if (cost.signum() < 0 || cost.compareTo(MAX_COST) > 0) {
      throw new UsageRejected(at + "cost", "(computed from the tokens and the model's price: " + cost.toPlainString()
          + " USD) must be between 0 and " + MAX_COST.toPlainString());
    }
  }

  private static void text(String v, String field, int max, boolean required) {
    if (required && v.isBlank()) {
      throw new UsageRejected(field, "is empty");
    }
    if (v.length() > max) {
      throw new UsageRejected(field, "is longer than " + max + " characters (" + v.length() + ")");
    }
    if (LogSafe.hasControl(v)) {
      throw new UsageRejected(field, "contains control characters");
    }
  }

  private static void tokens(long v, String field) {
    if (v < 0 || v > MAX_TOKENS) {
      throw new UsageRejected(field, "must be between 0 and " + MAX_TOKENS + ", got " + v);
    }
  }
}
