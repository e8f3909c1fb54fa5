package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stored minute snapshots read back per day, and the CSV export of a range. */
class CostHistoryTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final Tasks tasks = ExecutorTasks.create("cost-history", 1);
  private Database db;
  private CostEngine engine;

  @BeforeEach
  void open() {
    db = Database.open(dir.resolve("db"));
    engine = new CostEngine(db, PriceBook.load(Optional.empty()),
        new PriceService(Optional.empty(), db, clock, 20, "pd-balanced"), "us-central1",
        new CostSettings(BigDecimal.TEN, new BigDecimal("100"), "", ""), List::of, clock, ZoneOffset.UTC, tasks,
        (p, pc, b) -> { });
  }

  @AfterEach
  void close() {
    tasks.close();
    db.close();
  }

  @Test
  void eachDayIsItsLastStoredSnapshotAndCsvHasDaysModelsAndVms() throws Exception {
    engine.record(new LlmUsage(T0, "openai", "gpt-4o", 1_000_000, 0, 100_000, 0, "openai"));
    engine.tick();
    clock.advance(Duration.ofMinutes(1));
    engine.record(new LlmUsage(clock.instant(), "openai", "gpt-4o", 1_000_000, 0, 0, 0, "openai"));
    engine.tick();
    clock.advance(Duration.ofDays(1));
    engine.record(new LlmUsage(clock.instant(), "acme", "mystery, v2", 10, 0, 10, 0, "api"));
    engine.tick();

    CostHistory history = new CostHistory(db, ZoneOffset.UTC);
    List<CostHistory.Day> days = history.days(T0.minus(Duration.ofDays(1)), clock.instant().plusSeconds(60));
    assertThat(days).extracting(CostHistory.Day::date)
        .containsExactly(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"));
    BigDecimal day1 = days.get(0).total();
    assertThat(day1).isGreaterThan(BigDecimal.ZERO); // both calls of the 20th, not just the first minute
    assertThat(history.points(T0, T0.plusSeconds(120))).hasSize(2);
    assertThat(history.points(T0, T0.plusSeconds(120)).get(1).total()).isEqualByComparingTo(day1);
    assertThat(days.get(1).total()).isEqualByComparingTo(BigDecimal.ZERO); // an unpriced call is not $0 spent

    Path out = Files.createDirectory(dir.resolve("csv"));
    List<Path> files = CostCsv.export(history, T0.minus(Duration.ofDays(1)), clock.instant().plusSeconds(60),
        t -> Optional.empty(), out);
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("cost-per-day.csv", "cost-per-model.csv", "cost-per-vm.csv");
    List<String> perDay = Files.readAllLines(out.resolve("cost-per-day.csv"));
    assertThat(perDay.get(0)).isEqualTo("date,llm_usd,gcp_estimate_usd,total_usd");
    assertThat(perDay).hasSize(3);
    assertThat(perDay.get(1)).startsWith("2026-11-20,");
    List<String> perModel = Files.readAllLines(out.resolve("cost-per-model.csv"));
    assertThat(perModel).anySatisfy(l -> assertThat(l).startsWith("openai,gpt-4o,2,2000000,0,100000,0,"));
    assertThat(perModel).anySatisfy(l -> assertThat(l).startsWith("acme,\"mystery, v2\",1,").endsWith(",1"));
  }
}
