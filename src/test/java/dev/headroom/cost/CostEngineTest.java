package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.config.CostSettings;
import dev.headroom.core.AppException;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostEngineTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final Tasks tasks = ExecutorTasks.create("cost-test", 1);
  private final List<VmRuntime> vms = new CopyOnWriteArrayList<>();
  private final List<String> alerts = new CopyOnWriteArrayList<>();
  private final PriceBook book = PriceBook.load(Optional.empty());
  private Database db;
  private CostEngine engine;

  @BeforeEach
  void setUp() {
    db = Database.open(dir);
    engine = newEngine(new BigDecimal("1.00"));
  }

  private CostEngine newEngine(BigDecimal dailyBudget) {
    return new CostEngine(db, book, new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
        new CostSettings(dailyBudget, new BigDecimal("100"), "", ""), () -> vms, clock, ZoneOffset.UTC, tasks,
        (period, percent, b) -> alerts.add(period + ":" + percent));
  }

  @AfterEach
  void tearDown() {
    engine.close();
    tasks.close();
    db.close();
  }

  private static LlmUsage usage(String model, long in, long cached, long out, long reasoning) {
    return new LlmUsage(T0, "openai", model, in, cached, out, reasoning, "openai");
  }

  @Test
  void cachedTokensBillAtTheCacheRateAndReasoningAtTheOutputRate() {
    // gpt-4o: input 2.5e-6, cache read 1.25e-6, output 1e-5 per token
    BigDecimal cost = book.cost(usage("gpt-4o", 1200, 1024, 250, 100)).orElseThrow();
    BigDecimal expected = new BigDecimal("2.5e-6").multiply(BigDecimal.valueOf(176))
        .add(new BigDecimal("1.25e-6").multiply(BigDecimal.valueOf(1024)))
        .add(new BigDecimal("1e-5").multiply(BigDecimal.valueOf(350)));
    assertThat(cost).isEqualByComparingTo(expected); // 0.00044 + 0.00128 + 0.0035
    assertThat(cost).isEqualByComparingTo("0.00522");
  }

  @Test
  void datedAndPrefixedModelNamesResolve() {
    assertThat(book.find("gpt-4o-2024-08-06")).isPresent();
    assertThat(book.find("claude-sonnet-4-5-20250929")).isPresent();
    assertThat(book.find("openai/gpt-4o-mini")).isPresent();
  }

  @Test
  void unknownModelIsFlaggedUnpricedNotCountedAsZero() {
    engine.record(usage("my-finetune-7b", 1000, 0, 100, 0));
    engine.record(usage("gpt-4o", 1000, 0, 100, 0));
    CostSnapshot s = engine.tick();
    assertThat(s.unpricedCallsToday()).isEqualTo(1);
    CostSnapshot.ModelCost unknown = s.models().stream().filter(m -> m.model().equals("my-finetune-7b"))
        .findFirst().orElseThrow();
    assertThat(unknown.unpriced()).isEqualTo(1);
    assertThat(s.llmToday()).isEqualByComparingTo("0.0035"); // only the priced call: 1000 x 2.5e-6 + 100 x 1e-5
  }

  @Test
  void malformedEventsAreRejectedNamingTheField() {
    assertThatThrownBy(() -> engine.record(usage("gpt-4o", 10, 20, 1, 0)))
        .isInstanceOf(AppException.class).hasMessageContaining("'cachedInputTokens' (20) exceeds 'inputTokens' (10)");
    assertThatThrownBy(() -> engine.record(usage("gpt-4o", -1, 0, 1, 0))).hasMessageContaining("'inputTokens'");
    assertThatThrownBy(() -> CostHttp.parse("{\"provider\":\"openai\",\"inputTokens\":5}".getBytes(), T0))
        .hasMessageContaining("'model' is missing");
    assertThatThrownBy(() -> CostHttp.parse("[{\"provider\":\"x\",\"model\":\"m\",\"outputTokens\":\"many\"}]"
        .getBytes(), T0)).hasMessageContaining("'[0].outputTokens' must be a whole number");
    assertThatThrownBy(() -> CostHttp.parse("{\"provider\":\"x\",\"model\":\"m\",\"time\":\"yesterday\"}".getBytes(), T0))
        .hasMessageContaining("'time' is not an ISO-8601 instant");
    assertThatThrownBy(() -> CostHttp.parse("{not json".getBytes(), T0)).hasMessageContaining("not valid JSON");
  }

  @Test
  void totalsAreReloadedAfterARestart() {
    engine.record(usage("gpt-4o", 1000, 0, 100, 0));
    engine.record(usage("gpt-4o-mini", 1000, 0, 100, 0));
    BigDecimal before = engine.tick().llmToday();
    engine.close();
    engine = newEngine(new BigDecimal("1.00"));
    CostSnapshot after = engine.tick();
    assertThat(after.llmToday()).isEqualByComparingTo(before);
    assertThat(after.models()).hasSize(2);
  }

  @Test
  void dayRolloverStartsANewDayButKeepsTheMonth() {
    engine.record(usage("gpt-4o", 1000, 0, 100, 0));
    clock.advance(Duration.ofDays(1));
    CostSnapshot s = engine.tick();
    assertThat(s.llmToday()).isEqualByComparingTo("0");
    assertThat(s.llmMonth()).isEqualByComparingTo("0.0035");
  }

  @Test
  void vmCostAccruesPerSecondOfRunning() {
    vms.add(new VmRuntime("hr-1", "e2-highmem-4", T0, Optional.empty()));
    clock.advance(Duration.ofSeconds(90));
    CostSnapshot s = engine.tick();
    BigDecimal perHour = s.vms().get(0).perHour();
    assertThat(perHour).isPositive();
    assertThat(s.vms().get(0).costSoFar()).isEqualByComparingTo(
        perHour.multiply(BigDecimal.valueOf(90)).divide(BigDecimal.valueOf(3600), 10, java.math.RoundingMode.HALF_UP));
    assertThat(s.gcpToday()).isEqualByComparingTo(CostEngine.money(s.vms().get(0).costSoFar()));
    assertThat(s.burnRatePerHour()).isEqualByComparingTo(CostEngine.money(perHour));
  }

  @Test
  void budgetAlertsFireOnceAtFiftyNinetyAndOneHundredPercent() {
    // Each call costs 0.0035; the daily budget is 1.00.
    for (int i = 0; i < 300; i++) {
      engine.record(usage("gpt-4o", 1000, 0, 100, 0));
      engine.tick();
    }
    assertThat(alerts).containsExactly("daily:50", "daily:90", "daily:100");
    assertThat(engine.latest().daily().level()).isEqualTo(BudgetLevel.OVER);
    assertThat(engine.dailyBudgetLeft()).contains(BigDecimal.ZERO);
  }

  @Test
  void everyTickIsStoredOncePerMinute() {
    engine.tick();
    engine.tick();
    clock.advance(Duration.ofMinutes(1));
    engine.tick();
    long rows = db.withConnection(c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM cost_minute")) {
        rs.next();
        return rs.getLong(1);
      }
    });
    assertThat(rows).isEqualTo(2);
  }

  @Test
  void aRestartWithRowsSummingPastTheColumnStillWorks() {
    // Two events of Long.MAX_VALUE tokens, as an older version accepted them.
    db.withConnection(c -> {
      try (var st = c.createStatement()) {
        for (int i = 0; i < 2; i++) {
          st.executeUpdate("INSERT INTO llm_usage(ts, provider, model, input_tokens, cached_tokens, output_tokens,"
              + " reasoning_tokens, route, cost) VALUES (" + T0.toEpochMilli() + ", 'openai', 'gpt-4o', "
              + Long.MAX_VALUE + ", 0, " + Long.MAX_VALUE + ", 0, 'api', 9999999999.0)");
        }
      }
      return null;
    });
    engine.close();
    engine = newEngine(new BigDecimal("1.00"));
    CostSnapshot s = engine.tick();
    CostSnapshot.ModelCost m = s.models().get(0);
    assertThat(m.calls()).isEqualTo(2);
    assertThat(m.inputTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(m.outputTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(s.llmToday()).isEqualByComparingTo("19999999998");
    clock.advance(Duration.ofMinutes(1));
    engine.tick(); // the minute row is clamped to its column instead of failing
  }

  @Test
  void saturatingAdditionNeverWraps() {
    assertThat(UsageTotals.sat(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(UsageTotals.sat(Long.MAX_VALUE - 5, 10)).isEqualTo(Long.MAX_VALUE);
    assertThat(UsageTotals.sat(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(UsageTotals.sat(40, 2)).isEqualTo(42);
  }

  @Test
  void burnRateCountsOnlyTheLastTenMinutesFromPerSecondBuckets() {
    engine.record(usage("gpt-4o", 1000, 0, 100, 0)); // 0.0035 at T0
    clock.advance(Duration.ofMinutes(5));
    engine.record(new LlmUsage(clock.instant(), "openai", "gpt-4o", 1000, 0, 100, 0, "openai"));
    engine.record(new LlmUsage(clock.instant(), "openai", "gpt-4o", 1000, 0, 100, 0, "openai"));
    assertThat(engine.tick().burnRatePerHour()).isEqualByComparingTo("0.063"); // 3 x 0.0035 x 6
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(engine.tick().burnRatePerHour()).isEqualByComparingTo("0.042"); // the first left the window
    clock.advance(Duration.ofMinutes(10));
    assertThat(engine.tick().burnRatePerHour()).isEqualByComparingTo("0");
  }

  @Test
  void burnWindowMemoryDoesNotGrowWithTheEventRate() {
    BurnWindow w = new BurnWindow();
    for (int i = 0; i < 200_000; i++) {
      w.add(T0.plusMillis(i), new BigDecimal("0.001"), T0.plusSeconds(200));
    }
    assertThat(w.sum(T0.plusSeconds(200))).isEqualByComparingTo("200");
    assertThat(w.sum(T0.plusSeconds(800))).isZero();
    w.add(T0.minusSeconds(3600), BigDecimal.ONE, T0); // older than the window: ignored
    assertThat(w.sum(T0)).isEqualByComparingTo("1.000");
  }

  @Test
  void concurrentEventsAreStoredInFewerTransactionsThanEvents() throws Exception {
    int n = 400;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(32);
    long before = engine.groupsWritten();
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        done.add(pool.submit(() -> engine.record(usage("gpt-4o-mini", 10, 0, 1, 0))));
      }
      for (var f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(engine.tick().models().get(0).calls()).isEqualTo(n);
    assertThat(engine.groupsWritten() - before).isLessThan(n);
  }

  @Test
  void recordIsNotBlockedWhileATickWaitsForPrices() throws Exception {
    java.util.concurrent.CountDownLatch fetching = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    PriceCatalog slow = new PriceCatalog() {
      @Override
      public java.util.Map<String, SeriesRates> rates(String region) {
        fetching.countDown();
        try {
          release.await(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return java.util.Map.of();
      }

      @Override
      public void close() { }
    };
    engine.close();
    engine = new CostEngine(db, book, new PriceService(Optional.of(slow), db, clock, 0, "pd-balanced"),
        "us-central1", new CostSettings(BigDecimal.ONE, new BigDecimal("100"), "", ""), () -> vms, clock,
        ZoneOffset.UTC, tasks, (period, percent, b) -> { });
    vms.add(new VmRuntime("hr-1", "e2-highmem-4", T0, Optional.empty()));
    java.util.concurrent.ExecutorService ticker = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var tick = ticker.submit(() -> engine.tick());
      assertThat(fetching.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      engine.record(usage("gpt-4o", 1000, 0, 100, 0)); // would wait for the catalog if the tick held the lock
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      release.countDown();
      tick.get(20, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      release.countDown();
      ticker.shutdownNow();
    }
  }

  @Test
  void budgetLevelsFollowThePercentage() {
    assertThat(CostEngine.budget(new BigDecimal("10"), new BigDecimal("4.99")).level()).isEqualTo(BudgetLevel.OK);
    assertThat(CostEngine.budget(new BigDecimal("10"), new BigDecimal("5")).level()).isEqualTo(BudgetLevel.WARN_50);
    assertThat(CostEngine.budget(new BigDecimal("10"), new BigDecimal("9")).level()).isEqualTo(BudgetLevel.WARN_90);
    assertThat(CostEngine.budget(new BigDecimal("10"), new BigDecimal("10")).level()).isEqualTo(BudgetLevel.OVER);
    assertThat(CostEngine.budget(BigDecimal.ZERO, new BigDecimal("10")).level()).isEqualTo(BudgetLevel.OK);
    assertThat(CostEngine.budget(new BigDecimal("10"), new BigDecimal("2.5")).percent()).isEqualByComparingTo("25.0");
  }

  @Test
  void monthlyAlertsFireOnceToo() {
    engine.close();
    engine = new CostEngine(db, book, new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
        new CostSettings(BigDecimal.ZERO, new BigDecimal("0.01"), "", ""), () -> vms, clock, ZoneOffset.UTC, tasks,
        (period, percent, b) -> alerts.add(period + ":" + percent));
    engine.recordAll(List.of(usage("gpt-4o", 1000, 0, 100, 0), usage("gpt-4o", 1000, 0, 100, 0),
        usage("gpt-4o", 1000, 0, 100, 0)), false); // 0.0105 of 0.01
    engine.tick();
    engine.tick();
    assertThat(alerts).containsExactly("monthly:50", "monthly:90", "monthly:100");
  }

  @Test
  void usageRulesNameEachField() {
    Instant now = T0;
    assertThatThrownBy(() -> UsageRules.check(new LlmUsage(now, " ", "m", 0, 0, 0, 0, "r"), "", now, false))
        .hasMessageContaining("'provider' is empty");
    assertThatThrownBy(() -> UsageRules.check(new LlmUsage(now, "p", "m", 0, 0, 0, -1, "r"), "[1].", now, false))
        .hasMessageContaining("'[1].reasoningTokens'");
    assertThatThrownBy(() -> UsageRules.check(new LlmUsage(now, "p", "m", 0, 0, 0, 0, "r\u2028"), "", now, false))
        .hasMessageContaining("'route' contains control characters");
    assertThatThrownBy(() -> UsageRules.check(new LlmUsage(now.plus(Duration.ofDays(2)), "p", "m", 0, 0, 0, 0, "r"),
        "", now, true)).hasMessageContaining("'time'");
    UsageRules.check(new LlmUsage(now.minus(Duration.ofHours(23)), "p", "m", UsageRules.MAX_TOKENS,
        UsageRules.MAX_TOKENS, UsageRules.MAX_TOKENS, UsageRules.MAX_TOKENS, ""), "", now, false);
    UsageRules.checkCost(UsageRules.MAX_COST, "");
    assertThatThrownBy(() -> UsageRules.checkCost(new BigDecimal("-0.1"), "")).hasMessageContaining("'cost'");
  }
}
