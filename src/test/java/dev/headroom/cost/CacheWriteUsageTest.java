package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.config.CostSettings;
import dev.headroom.core.AppException;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cacheWriteTokens} from POST /usage through validation, pricing and the store. */
class CacheWriteUsageTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;

  @Test
  void postedCacheWritesArePricedAndStored() {
    List<LlmUsage> events = CostHttp.parse(("{\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\","
        + "\"inputTokens\":12000,\"cachedInputTokens\":2000,\"cacheWriteTokens\":8000,\"cacheWrite1hTokens\":3000,"
        + "\"outputTokens\":500}").getBytes(StandardCharsets.UTF_8), T0);
    LlmUsage u = events.get(0);
    assertThat(u.cacheWriteTokens()).isEqualTo(8000);
    assertThat(u.cacheWrite1hTokens()).isEqualTo(3000);
    try (Database db = Database.open(dir)) {
      Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
      CostEngine engine = new CostEngine(db, PriceBook.load(Optional.empty()),
          new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
          new CostSettings(BigDecimal.TEN, BigDecimal.TEN, "", ""), List::of, clock, ZoneOffset.UTC,
          ExecutorTasks.sameThread(), (p, pct, b) -> { });
      engine.record(u);
      assertThat(engine.tick().llmToday()).isEqualByComparingTo("0.05085");
      long[] stored = db.withConnection(c -> {
        try (ResultSet rs = c.createStatement().executeQuery(
            "SELECT cache_write_tokens, cache_write_1h_tokens FROM llm_usage")) {
          rs.next();
          return new long[] {rs.getLong(1), rs.getLong(2)};
        }
      });
      assertThat(stored).containsExactly(8000, 3000);
    }
  }

  @Test
  void aNonNumericCacheWriteIsRejectedNamingTheField() {
    assertThatThrownBy(() -> CostHttp.parse(("{\"provider\":\"a\",\"model\":\"m\",\"cacheWriteTokens\":\"lots\"}")
        .getBytes(StandardCharsets.UTF_8), T0)).isInstanceOf(AppException.class)
        .hasMessageContaining("cacheWriteTokens");
  }
}
