package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.AutoCreateSettings;
import dev.headroom.config.MemorySettings;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.memory.MemoryHistory;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemorySource;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ProcessMemory;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's reading window, its start/stop wiring, and reaping once per VM unless the delete failed. */
class EngineWindowTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  // a sustained window longer than the projection window: the engine must keep the sustained one (+ 10 s)
  private final MemorySettings memory = new MemorySettings(85, 95, 500, 30, 5, 2, 10);
  private final AutoCreateSettings auto = new AutoCreateSettings(true, 2, 5, 30, false);
  private final MutableClock clock = new MutableClock(T0);
  private final RecordingTasks tasks = new RecordingTasks();
  private final List<String> created = new CopyOnWriteArrayList<>();
  private final List<String> terminated = new CopyOnWriteArrayList<>();
  private final List<Fleet.RunningVm> running = new CopyOnWriteArrayList<>();
  private volatile boolean terminateFails;
  private Database db;
  private Engine engine;

  private static final class RecordingTasks implements Tasks {
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> work) {
      throw new UnsupportedOperationException();
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

  private final Fleet fleet = new Fleet() {
    @Override
    public boolean configured() {
      return true;
    }

    @Override
    public int activeOrPending() {
      return created.size();
    }

    @Override
    public Optional<Instant> lastCreateAt() {
      return Optional.empty();
    }

    @Override
    public List<RunningVm> running() {
      return running;
    }

    @Override
    public CompletableFuture<?> create(String reason) {
      created.add(reason);
      return CompletableFuture.failedFuture(new IllegalStateException("quota")); // logged, never thrown
    }

    @Override
    public CompletableFuture<?> terminate(String name, String reason) {
      terminated.add(name);
      return terminateFails ? CompletableFuture.failedFuture(new IllegalStateException("busy"))
          : CompletableFuture.completedFuture(null);
    }
  };

  private final Spend spend = new Spend() {
    @Override
    public Optional<BigDecimal> hourlyPrice() {
      return Optional.of(new BigDecimal("0.06"));
    }

    @Override
    public Optional<BigDecimal> dailyBudgetLeft() {
      return Optional.of(BigDecimal.TEN);
    }
  };

  private final Traffic traffic = new Traffic() {
    @Override
    public Optional<Instant> lastCloudTraffic() {
      return Optional.empty();
    }

    @Override
    public long cloudInFlight() {
      return 0;
    }
  };

  @BeforeEach
  void setUp() {
    db = Database.open(dir);
    engine = new Engine(memory, auto, fleet, spend, traffic, new DecisionLog(db), clock, tasks);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private MemoryState state(double used) {
    long total = 1_000_000;
    MemorySample s = new MemorySample(clock.instant(), total, Math.round(total * (100 - used) / 100), 0, 0, 0, 0);
    return new MemoryState(s, Pressure.classify(used, 0, memory), Optional.empty(), 0);
  }

  @Test
  void theWholeSustainedWindowIsKeptEvenWhenTheProjectionWindowIsShorter() {
    for (int i = 0; i < 30; i++) {
      engine.onReading(state(90));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(created).isEmpty(); // 29 s so far

    engine.onReading(state(90)); // 30 s since the first reading

    assertThat(created).hasSize(1);
    assertThat(created.get(0)).contains("memory at or above 85 % for 30 s");
  }

  @Test
  void readingsOlderThanTheWindowAreForgotten() {
    engine.onReading(state(90));
    clock.advance(Duration.ofSeconds(41)); // past 30 + 10 s
    engine.onReading(state(90));
    clock.advance(Duration.ofSeconds(1));

    Decision d = engine.evaluate();

    assertThat(d.action()).isEqualTo(Decision.Action.NONE);
    assertThat(d.message()).isEqualTo("memory above 85 % for 1 of 30 s");
    assertThat(created).isEmpty();
  }

  @Test
  void startFollowsTheMonitorAndTicksAndStopUndoesBoth() {
    long[] available = {50};
    MemorySource hot = new MemorySource() {
      @Override
      public MemorySample sample(Instant time) {
        return new MemorySample(time, 100, available[0], 0, 0, 0, 0);
      }

      @Override
      public List<ProcessMemory> topProcesses(int limit) {
        return List.of();
      }
    };
    MemoryMonitor monitor = new MemoryMonitor(hot, memory, new MemoryHistory(null), clock, tasks);

    engine.start(monitor);
    assertThat(tasks.log).containsExactly("every PT1S", "every PT5S");
    monitor.sampleNow();
    assertThat(engine.decisions().recent()).isNotEmpty();

    engine.stop();
    assertThat(tasks.log).containsExactly("every PT1S", "every PT5S", "cancel PT1S", "cancel PT5S");
    available[0] = 5; // 95 % used from here
    engine.stop();
    assertThat(tasks.log).hasSize(4);
    for (int i = 0; i < 45; i++) {
      clock.advance(Duration.ofSeconds(1));
      monitor.sampleNow(); // no longer reaches the engine
    }
    assertThat(engine.evaluate().action()).isEqualTo(Decision.Action.NONE);
    assertThat(created).isEmpty();
  }

  @Test
  void aDeleteThatSucceededIsNotAskedAgainWhileTheVmIsStillListed() {
    running.add(new Fleet.RunningVm("hr-1", T0, T0.plus(Duration.ofHours(3))));
    clock.advance(Duration.ofMinutes(30));

    engine.reap();
    engine.reap();

    assertThat(terminated).containsExactly("hr-1");
    assertThat(engine.decisions().recent()).extracting(Decision::reason).containsExactly("REAP_IDLE");
    assertThat(engine.decisions().recent().get(0).message())
        .isEqualTo("Terminate hr-1: idle for 30 min (no routed traffic, pressure normal; timeout 30 min)");
  }

  @Test
  void aDeleteThatFailedIsAskedAgainAtTheNextPass() {
    terminateFails = true;
    running.add(new Fleet.RunningVm("hr-1", T0, T0.plus(Duration.ofHours(3))));
    clock.advance(Duration.ofMinutes(30));

    engine.reap();
    engine.reap();

    assertThat(terminated).containsExactly("hr-1", "hr-1");
  }

  @Test
  void aVmIsReapedAtItsMaxLifetimeNotASecondBefore() {
    Instant end = T0.plus(Duration.ofHours(1));
    running.add(new Fleet.RunningVm("hr-2", clock.instant().plus(Duration.ofMinutes(59)), end));
    clock.set(end.minusMillis(1));
    engine.reap();
    assertThat(terminated).isEmpty();

    clock.set(end);
    engine.reap();

    assertThat(terminated).containsExactly("hr-2");
    assertThat(engine.decisions().recent().get(0).message())
        .isEqualTo("Terminate hr-2: reached its max lifetime (" + end + ")");
  }

  @Test
  void aFailedCreateIsLoggedAndTheEngineGoesOn() {
    for (int i = 0; i <= 30; i++) {
      engine.onReading(state(96));
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(created).hasSize(1);
    assertThat(engine.decisions().recent()).extracting(Decision::action).contains(Decision.Action.CREATE);
  }
}
