package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.MutableClock;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage writer on its own: what it stores, its failure and recovery, offsets, totals, minutes and pruning. */
class CostStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final List<List<PricedUsage>> committed = new CopyOnWriteArrayList<>();
  private Database db;
  private CostStore store;

  @BeforeEach
  void setUp() {
    db = Database.open(dir);
    store = new CostStore(db, clock, committed::add);
  }

  @AfterEach
  void tearDown() {
    store.close();
    db.close();
  }

  private static PricedUsage priced(Instant at, String model, String cost) {
    return new PricedUsage(new LlmUsage(at, "anthropic", model, 1000, 200, 50, 7, "api", 300, 100),
        Optional.ofNullable(cost).map(BigDecimal::new));
  }

  private static void await(CompletableFuture<Void> f) throws Exception {
    f.get(10, TimeUnit.SECONDS);
  }

  private List<List<Object>> rows(String sql) {
    return db.withConnection(c -> {
      List<List<Object>> out = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getObject(i));
          }
          out.add(row);
        }
      }
      return out;
    });
  }

  private void insertRaw(long ts, String model, long in, long cached, long out, long reasoning, String cost) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO llm_usage(ts, provider, model, input_tokens,"
          + " cached_tokens, output_tokens, reasoning_tokens, route, cost) VALUES (?,?,?,?,?,?,?,?,?)")) {
        ps.setLong(1, ts);
        ps.setString(2, "openai");
        ps.setString(3, model);
        ps.setLong(4, in);
        ps.setLong(5, cached);
        ps.setLong(6, out);
        ps.setLong(7, reasoning);
        ps.setString(8, "api");
        ps.setBigDecimal(9, cost == null ? null : new BigDecimal(cost));
        return ps.executeUpdate();
      }
    });
  }

  @Test
  void anAppendedEventIsStoredWithEveryFieldBeforeItsFutureCompletes() throws Exception {
    await(store.append(List.of(priced(T0.plusMillis(1234), "claude-sonnet-4-5", "0.0123456789")), Optional.empty()));

    assertThat(rows("SELECT ts, provider, model, input_tokens, cached_tokens, output_tokens, reasoning_tokens, route,"
        + " cost, cache_write_tokens, cache_write_1h_tokens FROM llm_usage")).singleElement()
        .satisfies(r -> {
          assertThat(r.subList(0, 8)).containsExactly(T0.toEpochMilli() + 1234, "anthropic", "claude-sonnet-4-5",
              1000L, 200L, 50L, 7L, "api");
          assertThat((BigDecimal) r.get(8)).isEqualByComparingTo("0.0123456789");
          assertThat(r.subList(9, 11)).containsExactly(300L, 100L);
        });
    assertThat(store.groupsWritten()).isEqualTo(1);
    assertThat(committed).singleElement().satisfies(g -> assertThat(g).extracting(p -> p.usage().model())
        .containsExactly("claude-sonnet-4-5"));
    assertThat(store.health()).isEqualTo(new CostStore.Health(true, Optional.empty(), Optional.empty()));
  }

  @Test
  void anUnpricedEventIsStoredWithANullCostNotZero() throws Exception {
    await(store.append(List.of(priced(T0, "my-finetune", null)), Optional.empty()));

    assertThat(rows("SELECT cost FROM llm_usage")).singleElement().satisfies(r -> assertThat(r.get(0)).isNull());
  }

  @Test
  void aTailerOffsetIsStoredWithItsEventsAndReplacedByTheNextOne() throws Exception {
    assertThat(store.logOffset("/var/log/usage.jsonl")).isZero();

    await(store.append(List.of(priced(T0, "gpt-4o", "0.01")), Optional.of(new CostStore.LogOffset(
        "/var/log/usage.jsonl", 4096))));
    assertThat(store.logOffset("/var/log/usage.jsonl")).isEqualTo(4096);

    await(store.append(List.of(), Optional.of(new CostStore.LogOffset("/var/log/usage.jsonl", 8192))));
    assertThat(store.logOffset("/var/log/usage.jsonl")).isEqualTo(8192);
    assertThat(store.logOffset("/var/log/other.jsonl")).isZero();
    assertThat(rows("SELECT COUNT(*) FROM llm_usage")).containsExactly(List.of(1L));
  }

  @Test
  void aFailedWriteFailsTheCallersMarksHealthAndRecoversWithTheNextGoodWrite() throws Exception {
    await(store.append(List.of(priced(T0, "gpt-4o", "0.01")), Optional.empty()));
    db.withConnection(c -> c.createStatement().execute("ALTER TABLE llm_usage RENAME TO llm_usage_away"));
    clock.advance(Duration.ofSeconds(42));

    CompletableFuture<Void> failed = store.append(List.of(priced(T0, "gpt-4o", "0.02")), Optional.empty());

    assertThatThrownBy(() -> await(failed)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StoreUnavailable.class).hasMessageStartingWith("Usage not stored: Database error:")
        .hasMessageContaining("LLM_USAGE");
    CostStore.Health bad = store.health();
    assertThat(bad.ok()).isFalse();
    assertThat(bad.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("Database error:"));
    assertThat(bad.failedAt()).contains(T0.plusSeconds(42));
    assertThat(store.groupsWritten()).isEqualTo(1);
    assertThat(committed).hasSize(1); // nothing counted that was not stored

    db.withConnection(c -> c.createStatement().execute("ALTER TABLE llm_usage_away RENAME TO llm_usage"));
    await(store.append(List.of(priced(T0, "gpt-4o", "0.03")), Optional.empty()));

    assertThat(store.health()).isEqualTo(new CostStore.Health(true, Optional.empty(), Optional.empty()));
    assertThat(store.groupsWritten()).isEqualTo(2);
    assertThat(committed).hasSize(2);
    assertThat(rows("SELECT cost FROM llm_usage ORDER BY id")).extracting(r -> ((BigDecimal) r.get(0)).toPlainString())
        .containsExactly("0.0100000000", "0.0300000000");
  }

  @Test
  void aSecondFailureKeepsTheTimeOfTheLatestOne() throws Exception {
    db.withConnection(c -> c.createStatement().execute("DROP TABLE usage_log_offset"));
    assertThatThrownBy(() -> await(store.append(List.of(), Optional.of(new CostStore.LogOffset("a", 1)))))
        .hasCauseInstanceOf(StoreUnavailable.class);
    clock.advance(Duration.ofMinutes(3));
    assertThatThrownBy(() -> await(store.append(List.of(priced(T0, "gpt-4o", "0.01")),
        Optional.of(new CostStore.LogOffset("a", 2))))).hasCauseInstanceOf(StoreUnavailable.class);

    assertThat(store.health().failedAt()).contains(T0.plus(Duration.ofMinutes(3)));
    assertThat(rows("SELECT COUNT(*) FROM llm_usage")).as("events and offset commit together or not at all")
        .containsExactly(List.of(0L));
  }

  @Test
  void aCounterThatThrowsDoesNotFailTheDurableAppend() throws Exception {
    store.close();
    store = new CostStore(db, clock, stored -> {
      throw new IllegalStateException("counting broke");
    });

    await(store.append(List.of(priced(T0, "gpt-4o", "0.01")), Optional.empty()));

    assertThat(store.health().ok()).isTrue();
    assertThat(store.groupsWritten()).isEqualTo(1);
  }

  @Test
  void workRunsOnTheWriterAfterTheAppendsQueuedBeforeIt() throws Exception {
    CompletableFuture<Void> a = store.append(List.of(priced(T0, "gpt-4o", "0.01")), Optional.empty());
    List<Object> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> w = store.onWriter(() -> {
      seen.add(Thread.currentThread().getName());
      seen.add(rows("SELECT COUNT(*) FROM llm_usage").get(0).get(0));
    });
    await(w);
    await(a);

    assertThat(seen).containsExactly("headroom-usage-writer", 1L);
  }

  @Test
  void workThatThrowsFailsOnlyItsOwnFuture() throws Exception {
    IllegalStateException boom = new IllegalStateException("reload failed");
    CompletableFuture<Void> w = store.onWriter(() -> {
      throw boom;
    });

    assertThatThrownBy(() -> await(w)).isInstanceOf(ExecutionException.class).hasCause(boom);
    await(store.append(List.of(priced(T0, "gpt-4o", "0.01")), Optional.empty()));
    assertThat(store.groupsWritten()).isEqualTo(1);
  }

  @Test
  void aClosedStoreRefusesAppendsAndWork() {
    store.close();

    assertThatThrownBy(() -> await(store.append(List.of(priced(T0, "gpt-4o", "0.01")), Optional.empty())))
        .cause().isInstanceOf(StoreUnavailable.class).hasMessage("The usage store is closing");
    assertThatThrownBy(() -> await(store.onWriter(() -> { })))
        .cause().isInstanceOf(StoreUnavailable.class).hasMessage("The usage store is closing or overloaded");
    assertThat(rows("SELECT COUNT(*) FROM llm_usage")).containsExactly(List.of(0L));
  }

  @Test
  void closeWritesWhatWasQueuedFirst() throws Exception {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(store.append(List.of(priced(T0, "gpt-4o", "0.01")), Optional.empty()));
    }
    store.close();

    for (CompletableFuture<Void> f : all) {
      await(f);
    }
    assertThat(rows("SELECT COUNT(*) FROM llm_usage")).containsExactly(List.of(50L));
  }

  @Test
  void totalsIncludeEventsAtTheStartInstantAndNotOneMillisecondBefore() {
    insertRaw(T0.toEpochMilli() - 1, "gpt-4o", 1, 0, 1, 0, "1");
    insertRaw(T0.toEpochMilli(), "gpt-4o", 1000, 100, 50, 5, "0.25");
    insertRaw(T0.toEpochMilli() + 60_000, "gpt-4o", 2000, 200, 60, 6, "0.50");
    insertRaw(T0.toEpochMilli() + 60_000, "gpt-4o", 3, 0, 1, 0, null);

    List<UsageTotals.Line> lines = store.totalsSince(T0);

    assertThat(lines).singleElement().satisfies(l -> {
      assertThat(l.provider()).isEqualTo("openai");
      assertThat(l.model()).isEqualTo("gpt-4o");
      assertThat(l.calls()).isEqualTo(3);
      assertThat(l.input()).isEqualTo(3003);
      assertThat(l.cached()).isEqualTo(300);
      assertThat(l.output()).isEqualTo(111);
      assertThat(l.reasoning()).isEqualTo(11);
      assertThat(l.unpriced()).isEqualTo(1);
      assertThat(l.cost()).isEqualByComparingTo("0.75");
    });
  }

  @Test
  void totalsOfOnlyUnpricedCallsCostZeroNotNull() {
    insertRaw(T0.toEpochMilli(), "my-finetune", 10, 0, 1, 0, null);

    assertThat(store.totalsSince(T0)).singleElement().satisfies(l -> {
      assertThat(l.cost()).isEqualByComparingTo("0");
      assertThat(l.unpriced()).isEqualTo(1);
    });
  }

  @Test
  void totalsSaturateAtLongMaxAndNeverGoNegative() {
    // rows older versions could store: no bounds then
    insertRaw(T0.toEpochMilli(), "big", Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, 0, "1");
    insertRaw(T0.toEpochMilli(), "big", 1, 0, 0, 0, "1");
    insertRaw(T0.toEpochMilli(), "neg", -5, -7, 0, -1, "1");
    insertRaw(T0.toEpochMilli(), "exact", Long.MAX_VALUE, 0, 1, 0, "1");

    List<UsageTotals.Line> lines = store.totalsSince(T0);

    UsageTotals.Line big = lines.stream().filter(l -> l.model().equals("big")).findFirst().orElseThrow();
    assertThat(big.input()).isEqualTo(Long.MAX_VALUE);
    assertThat(big.cached()).isEqualTo(Long.MAX_VALUE);
    assertThat(big.output()).isEqualTo(Long.MAX_VALUE - 1);
    UsageTotals.Line neg = lines.stream().filter(l -> l.model().equals("neg")).findFirst().orElseThrow();
    assertThat(neg.input()).isZero();
    assertThat(neg.cached()).isZero();
    assertThat(neg.output()).isZero();
    assertThat(neg.reasoning()).isZero();
    UsageTotals.Line exact = lines.stream().filter(l -> l.model().equals("exact")).findFirst().orElseThrow();
    assertThat(exact.input()).isEqualTo(Long.MAX_VALUE);
    assertThat(exact.output()).isEqualTo(1);
  }

  private static CostSnapshot snapshot(Instant at, String llm, String gcp, String month, String burn) {
    CostSnapshot.Budget b = new CostSnapshot.Budget(BigDecimal.ONE, BigDecimal.ZERO, BigDecimal.ZERO, BudgetLevel.OK);
    return new CostSnapshot(at, new BigDecimal(llm), BigDecimal.ZERO, new BigDecimal(gcp), BigDecimal.ZERO,
        BigDecimal.ZERO, new BigDecimal(month), new BigDecimal(burn), BigDecimal.ZERO, b, b, List.of(), List.of(), 0);
  }

  @Test
  void aMinuteIsStoredAtTheStartOfItsMinuteAndReplacedWithinIt() {
    store.storeMinute(snapshot(T0.plusSeconds(61), "1.5", "2.25", "10", "0.75"));
    store.storeMinute(snapshot(T0.plusSeconds(119).plusMillis(999), "1.75", "2.5", "11", "0.5"));
    store.storeMinute(snapshot(T0.plusSeconds(120), "2", "3", "12", "0.25"));

    List<List<Object>> minutes = rows("SELECT ts, llm_today, gcp_today, month_total, burn_per_hour FROM cost_minute"
        + " ORDER BY ts");
    assertThat(minutes).extracting(r -> r.get(0)).containsExactly(T0.toEpochMilli() + 60_000,
        T0.toEpochMilli() + 120_000);
    assertThat(minutes.get(0).subList(1, 5)).extracting(v -> ((BigDecimal) v).stripTrailingZeros().toPlainString())
        .containsExactly("1.75", "2.5", "11", "0.5");
  }

  @Test
  void aMinuteBeyondTheColumnIsClampedNotLost() {
    store.storeMinute(snapshot(T0, "99999999999", "-99999999999", "9999999999.9999999999", "-9999999999.9999999999"));

    List<Object> r = rows("SELECT llm_today, gcp_today, month_total, burn_per_hour FROM cost_minute").get(0);
    assertThat((BigDecimal) r.get(0)).isEqualByComparingTo(UsageRules.MAX_COST);
    assertThat((BigDecimal) r.get(1)).isEqualByComparingTo(UsageRules.MAX_COST.negate());
    assertThat((BigDecimal) r.get(2)).isEqualByComparingTo(UsageRules.MAX_COST);
    assertThat((BigDecimal) r.get(3)).isEqualByComparingTo(UsageRules.MAX_COST.negate());
  }

  @Test
  void pruneDeletesOnlyRowsOlderThanTheirRetention() {
    Instant now = T0;
    long usageCut = now.minus(CostStore.USAGE_RETENTION).toEpochMilli();
    long minuteCut = now.minus(CostStore.MINUTE_RETENTION).toEpochMilli();
    insertRaw(usageCut - 1, "old", 1, 0, 1, 0, "1");
    insertRaw(usageCut, "kept", 1, 0, 1, 0, "1");
    insertRaw(now.toEpochMilli(), "new", 1, 0, 1, 0, "1");
    store.storeMinute(snapshot(Instant.ofEpochMilli(minuteCut - 60_000), "1", "1", "1", "1"));
    store.storeMinute(snapshot(Instant.ofEpochMilli(minuteCut), "2", "2", "2", "2"));
    store.storeMinute(snapshot(Instant.ofEpochMilli(usageCut), "3", "3", "3", "3"));

    int deleted = store.prune(now);

    assertThat(deleted).isEqualTo(3); // one usage row, two minutes
    assertThat(rows("SELECT model FROM llm_usage ORDER BY ts")).extracting(r -> r.get(0))
        .containsExactly("kept", "new");
    assertThat(rows("SELECT ts FROM cost_minute")).extracting(r -> r.get(0)).containsExactly(minuteCut);
    assertThat(Duration.ofDays(400)).isEqualTo(CostStore.USAGE_RETENTION);
    assertThat(Duration.ofDays(90)).isEqualTo(CostStore.MINUTE_RETENTION);
  }
}
