package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.config.CostSettings;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a snapshot adds up: VM accrual per day and month, burn, forecast, model order, subscribers, budget left. */
class CostEngineSnapshotTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  /** Bundled Spot price of e2-highmem-4 in us-central1 without a disk: 4 x 0.01309 + 32 x 0.001754. */
  private static final BigDecimal E2_HIGHMEM_4 = new BigDecimal("0.108488");
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final RecordingTasks tasks = new RecordingTasks();
  private final List<VmRuntime> vms = new CopyOnWriteArrayList<>();
  private final PriceBook book = PriceBook.load(Optional.empty());
  private Database db;
  private CostEngine engine;

  /** Records what is scheduled and cancelled; runs nothing on its own. */
  private static final class RecordingTasks implements Tasks {
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> work) {
      try {
        return CompletableFuture.completedFuture(work.call());
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public Handle every(Duration period, Runnable work) {
      log.add("every " + period);
      return () -> log.add("cancel " + period);
    }

    @Override
    public Handle after(Duration delay, Runnable work) {
      return () -> { };
    }

    @Override
    public void close() { }
  }

  @BeforeEach
  void setUp() {
    db = Database.open(dir);
    engine = engine("1.00", "100");
  }

  private CostEngine engine(String daily, String monthly) {
    return new CostEngine(db, book, new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
        new CostSettings(new BigDecimal(daily), new BigDecimal(monthly), "", ""), () -> vms, clock, ZoneOffset.UTC,
        tasks, (period, percent, b) -> { });
  }

  @AfterEach
  void tearDown() {
    engine.close();
    db.close();
  }

  private static LlmUsage call(Instant at, String model, long in, long out) {
    return new LlmUsage(at, "openai", model, in, 0, out, 0, "api");
  }

  @Test
  void vmCostIsCountedFromTheStartOfTheDayAndOfTheMonth() {
    vms.add(new VmRuntime("old", "e2-highmem-4", Instant.parse("2026-11-20T00:00:00Z"), Optional.empty()));
    vms.add(new VmRuntime("ended", "e2-highmem-4", Instant.parse("2026-10-31T22:00:00Z"),
        Optional.of(Instant.parse("2026-11-01T02:00:00Z"))));
    vms.add(new VmRuntime("mystery", "x9-mega-1", T0.minus(Duration.ofHours(1)), Optional.empty()));

    CostSnapshot s = engine.tick();

    assertThat(s.gcpToday()).isEqualTo(new BigDecimal("1.084880")); // 10 h today
    assertThat(s.gcpMonth()).isEqualTo(new BigDecimal("9.112992")); // 82 h + the 2 h of "ended" in November
    assertThat(s.totalToday()).isEqualTo(new BigDecimal("1.084880"));
    assertThat(s.totalMonth()).isEqualTo(new BigDecimal("9.112992"));
    assertThat(s.burnRatePerHour()).as("running VMs only").isEqualTo(new BigDecimal("0.108488"));
    assertThat(s.vms()).extracting(CostSnapshot.VmCost::name).containsExactly("old", "ended", "mystery");
    CostSnapshot.VmCost old = s.vms().get(0);
    assertThat(old.machineType()).isEqualTo("e2-highmem-4");
    assertThat(old.perHour()).isEqualByComparingTo(E2_HIGHMEM_4);
    assertThat(old.costSoFar()).isEqualByComparingTo("8.896016"); // its whole 82 h run
    assertThat(old.running()).isTrue();
    assertThat(old.priced()).isTrue();
    assertThat(s.vms().get(1).costSoFar()).isEqualByComparingTo("0.433952"); // its whole 4 h run
    assertThat(s.vms().get(1).running()).isFalse();
    assertThat(s.vms().get(2).priced()).isFalse();
    assertThat(s.vms().get(2).perHour()).isEqualByComparingTo("0");
    assertThat(s.vms().get(2).costSoFar()).isEqualByComparingTo("0");
    // month to date x 30 days / 22.4167 days elapsed
    assertThat(s.monthForecast()).isCloseTo(new BigDecimal("12.195826"), within(new BigDecimal("0.000001")));
  }

  @Test
  void aVmThatEndsBeforeItStartsCostsNothing() {
    vms.add(new VmRuntime("odd", "e2-highmem-4", T0, Optional.of(T0.minusSeconds(5))));
    vms.add(new VmRuntime("zero", "e2-highmem-4", T0, Optional.of(T0)));

    CostSnapshot s = engine.tick();

    assertThat(s.vms()).extracting(CostSnapshot.VmCost::costSoFar).allSatisfy(c ->
        assertThat(c).isEqualByComparingTo("0"));
    assertThat(s.gcpMonth()).isEqualByComparingTo("0");
  }

  @Test
  void earlyInTheMonthTheForecastAssumesAtLeastOneHourElapsed() {
    clock.set(Instant.parse("2026-11-01T00:10:00Z"));
    engine.close();
    engine = engine("1.00", "100");
    engine.record(call(clock.instant(), "gpt-4o", 1000, 100)); // 0.0035

    CostSnapshot s = engine.tick();

    assertThat(s.monthForecast()).isEqualByComparingTo("2.52"); // 0.0035 x 30 days x 24
  }

  @Test
  void modelsAreListedCostliestFirstWithTheirCountsAndUnpricedCalls() {
    engine.record(call(T0, "gpt-4o-mini", 1000, 100));
    engine.record(call(T0, "gpt-4o", 1000, 100));
    engine.record(call(T0, "gpt-4o", 2000, 0));
    engine.record(call(T0, "my-finetune", 10, 1));
    engine.record(call(T0, "my-finetune", 10, 1));

    CostSnapshot s = engine.tick();

    assertThat(s.models()).extracting(CostSnapshot.ModelCost::model).containsExactly("gpt-4o", "gpt-4o-mini",
        "my-finetune");
    CostSnapshot.ModelCost top = s.models().get(0);
    assertThat(top).isEqualTo(new CostSnapshot.ModelCost("openai", "gpt-4o", 2, 3000, 0, 100, 0,
        new BigDecimal("0.008500"), 0));
    assertThat(s.models().get(2).unpriced()).isEqualTo(2);
    assertThat(s.unpricedCallsToday()).isEqualTo(2);
    assertThat(s.llmToday()).isEqualTo(top.cost().add(s.models().get(1).cost()));
  }

  @Test
  void aBackfilledEventOfAnEarlierDayCountsForTheMonthOnlyAndLastMonthsForNeither() {
    engine.recordAll(List.of(call(Instant.parse("2026-11-02T12:00:00Z"), "gpt-4o", 1000, 100),
        call(Instant.parse("2026-10-31T12:00:00Z"), "gpt-4o", 1000, 100)), true);

    CostSnapshot s = engine.tick();

    assertThat(s.llmToday()).isEqualByComparingTo("0");
    assertThat(s.llmMonth()).isEqualByComparingTo("0.0035");
    assertThat(s.models()).isEmpty();
    assertThat(s.burnRatePerHour()).as("old spend is not burning now").isEqualByComparingTo("0");
  }

  @Test
  void aNewMonthStartsFromZero() {
    clock.set(Instant.parse("2026-11-30T23:59:00Z"));
    engine.close();
    engine = engine("1.00", "100");
    engine.record(call(clock.instant(), "gpt-4o", 1000, 100));
    assertThat(engine.tick().llmMonth()).isEqualByComparingTo("0.0035");

    clock.set(Instant.parse("2026-12-01T00:00:30Z"));
    CostSnapshot s = engine.tick();

    assertThat(s.llmToday()).isEqualByComparingTo("0");
    assertThat(s.llmMonth()).isEqualByComparingTo("0");
  }

  @Test
  void subscribersGetEverySnapshotAndOneThatThrowsDoesNotStopTheOthers() {
    List<CostSnapshot> seen = new ArrayList<>();
    engine.subscribe(s -> {
      throw new IllegalStateException("a broken view");
    });
    Runnable remove = engine.subscribe(seen::add);

    CostSnapshot first = engine.tick();
    remove.run();
    engine.tick();

    assertThat(seen).containsExactly(first);
    assertThat(engine.latest()).isNotSameAs(first);
  }

  @Test
  void latestComputesASnapshotOnlyWhenNoneWasPublished() {
    CostSnapshot computed = engine.latest();
    assertThat(computed.time()).isEqualTo(T0);
    assertThat(engine.latest()).isSameAs(computed);
    CostSnapshot ticked = engine.tick();
    assertThat(engine.latest()).isSameAs(ticked);
  }

  @Test
  void budgetLeftIsTheDailyBudgetLessTodaysSpendNeverBelowZero() {
    engine.record(call(T0, "gpt-4o", 1000, 100)); // 0.0035
    engine.tick();
    assertThat(engine.dailyBudgetLeft()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.9965"));

    vms.add(new VmRuntime("big", "e2-highmem-4", T0.minus(Duration.ofHours(10)), Optional.empty()));
    engine.tick(); // 1.08488 of VM today
    assertThat(engine.dailyBudgetLeft()).contains(BigDecimal.ZERO);
  }

  @Test
  void anArrayNamesTheBadEventByIndexAndASingleEventByFieldAlone() {
    assertThatThrownBy(() -> engine.recordAll(List.of(call(T0, "gpt-4o", 1, 1), call(T0, "gpt-4o", -1, 1)), false))
        .isInstanceOfSatisfying(UsageRejected.class, e -> assertThat(e.field()).isEqualTo("[1].inputTokens"));
    assertThatThrownBy(() -> engine.recordAll(List.of(call(T0, "gpt-4o", -1, 1)), false))
        .isInstanceOfSatisfying(UsageRejected.class, e -> assertThat(e.field()).isEqualTo("inputTokens"));
    assertThat(engine.groupsWritten()).isZero();
  }

  @Test
  void aCostBeyondTheColumnIsRejectedBeforeAnythingIsStored() {
    // gpt-4o output at 1e-5 per token: 10^10 output + 10^10 reasoning tokens cost 200 000, within the column;
    // a made-up price makes it too dear
    PriceBook dear = PriceBook.load(Optional.empty());
    dear.replaceModels(PriceBook.parse(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
        .set("dear", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
            .put("input_cost_per_token", 1).put("output_cost_per_token", 1000)), "t"));
    engine.close();
    engine = new CostEngine(db, dear, new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
        new CostSettings(BigDecimal.ONE, BigDecimal.TEN, "", ""), () -> vms, clock, ZoneOffset.UTC, tasks,
        (p, pc, b) -> { });

    assertThatThrownBy(() -> engine.record(call(T0, "dear", 0, UsageRules.MAX_TOKENS)))
        .isInstanceOfSatisfying(UsageRejected.class, e -> assertThat(e.field()).isEqualTo("cost"));
    assertThat(engine.price(call(T0, "dear", 0, 1000), "", false).cost()).contains(new BigDecimal("1000000"));
    assertThat(engine.groupsWritten()).isZero();
  }

  @Test
  void nothingToStoreWritesNoGroup() {
    engine.store(List.of(), Optional.empty());
    engine.recordAll(List.of(), false);

    assertThat(engine.groupsWritten()).isZero();
    engine.store(List.of(), Optional.of(new CostStore.LogOffset("/x.jsonl", 10)));
    assertThat(engine.groupsWritten()).isEqualTo(1);
    assertThat(engine.logOffset("/x.jsonl")).isEqualTo(10);
  }

  @Test
  void startTicksEveryTwoSecondsAndCloseCancelsEverythingItScheduled() {
    engine.start();
    List<String> scheduled = List.copyOf(tasks.log);
    assertThat(scheduled).startsWith("every PT2S").hasSizeGreaterThan(1); // the tick, then store maintenance

    engine.close();
    assertThat(tasks.log.subList(scheduled.size(), tasks.log.size()))
        .containsExactlyInAnyOrderElementsOf(scheduled.stream().map(e -> e.replace("every", "cancel")).toList());
    assertThat(engine.storeHealthy()).isTrue();
    assertThat(engine.storeHealth().ok()).isTrue();
  }

  @Test
  void maintenancePrunesRowsPastTheirRetention() throws Exception {
    db.withConnection(c -> {
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO llm_usage(ts, provider, model, input_tokens, cached_tokens, output_tokens,"
            + " reasoning_tokens, route, cost) VALUES (" + T0.minus(Duration.ofDays(401)).toEpochMilli()
            + ", 'openai', 'gpt-4o', 1, 0, 1, 0, 'api', 1)");
      }
      return null;
    });
    engine.record(call(T0, "gpt-4o", 1000, 100));

    engine.maintain();

    long rows = db.withConnection(c -> {
      try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM llm_usage")) {
        rs.next();
        return rs.getLong(1);
      }
    });
    assertThat(rows).isEqualTo(1);
  }

  @Test
  void theEngineAnswersPricesAndTheBookSourceFromItsParts() {
    assertThat(engine.hourlyPrice("e2-highmem-4")).hasValueSatisfying(p ->
        assertThat(p).isEqualByComparingTo(E2_HIGHMEM_4));
    assertThat(engine.hourlyPrice("x9-mega-1")).isEmpty();
    assertThat(engine.priceBookSource()).isEqualTo(book.source());
    assertThat(engine.priceBookSource()).isPresent();
  }
}
