package dev.headroom.cost.bench;

import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.LlmUsage;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable usage ingest through {@link CostEngine#recordAll}: each call returns only once its events are committed
 * and forced to disk. 32 callers at once (as many gateway/HTTP threads) posting {@code batch} events per call: the
 * single writer groups whatever arrives during one fsync into one transaction. Score = calls/s; events/s = score x
 * batch. Budget (DESIGN.md 5): >= 10 000 events/s sustained.
 *
 * <pre>src/bench/jmh.sh GroupCommit</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Threads(32)
@Fork(1)
public class GroupCommitBenchmark {
  @Param({"1", "10"})
  public int batch;

  private final AtomicLong seq = new AtomicLong();
  private Path dir;
  private Database db;
  private Tasks tasks;
  private CostEngine engine;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("group-commit-bench");
    db = Database.open(dir);
    tasks = ExecutorTasks.create("bench", 1);
    engine = new CostEngine(db, PriceBook.load(Optional.empty()),
        new PriceService(Optional.empty(), db, Clock.systemUTC(), 0, "pd-balanced"), "us-central1",
        new CostSettings(new BigDecimal("1000000"), new BigDecimal("1000000"), "", ""), List::of, Clock.systemUTC(),
        ZoneOffset.UTC, tasks, (p, pc, b) -> { });
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

  @Benchmark
  public void durableRecord() {
    List<LlmUsage> events = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      events.add(new LlmUsage(java.time.Instant.now(), "openai", "gpt-4o-mini", seq.incrementAndGet() % 100_000, 0,
          100, 0, "bench"));
    }
    engine.recordAll(events, false);
  }
}
