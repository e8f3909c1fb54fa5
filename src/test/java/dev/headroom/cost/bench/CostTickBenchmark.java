package dev.headroom.cost.bench;

import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.cost.VmRuntime;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One cost tick with 1 000 000 LLM usage rows stored (budget &lt; 5 ms, DESIGN.md 5). The rows are loaded once,
 * at engine start; a tick works on running totals and must not rescan them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CostTickBenchmark {
  static final int ROWS = 1_000_000;
  private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "o3-mini", "my-local-7b"};
  private Path dir;
  private Database db;
  private Tasks tasks;
  private CostEngine engine;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("cost-bench");
    db = Database.open(dir);
    long now = System.currentTimeMillis();
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO llm_usage(ts, provider, model, input_tokens,"
          + " cached_tokens, output_tokens, reasoning_tokens, route, cost) VALUES (?,?,?,?,?,?,?,?,?)")) {
        for (int i = 0; i < ROWS; i++) {
          ps.setLong(1, now - (long) i * 2_000); // the last ~23 days
          ps.setString(2, "openai");
          ps.setString(3, MODELS[i % MODELS.length]);
          ps.setLong(4, 1000);
          ps.setLong(5, 200);
          ps.setLong(6, 300);
          ps.setLong(7, 0);
          ps.setString(8, "bench");
          ps.setBigDecimal(9, i % MODELS.length == 4 ? null : new BigDecimal("0.0042"));
          ps.addBatch();
          if (i % 10_000 == 9_999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      return null;
    });
    tasks = ExecutorTasks.create("bench", 1);
    engine = new CostEngine(db, PriceBook.load(Optional.empty()),
        new PriceService(Optional.empty(), db, Clock.systemUTC(), 20, "pd-balanced"), "us-central1",
        new CostSettings(new BigDecimal("10"), new BigDecimal("200"), "", ""),
        () -> List.of(new VmRuntime("vm-1", "e2-highmem-4", Instant.now().minusSeconds(3600), Optional.empty())),
        Clock.systemUTC(), ZoneOffset.UTC, tasks, (p, pc, b) -> { });
  }

  @Benchmark
  public CostSnapshot tick() {
    return engine.tick();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    engine.close();
    tasks.close();
    db.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
