package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.AutoCreateSettings;
import dev.headroom.config.MemorySettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private final MemorySettings memory = new SettingsLoader().defaults().memory();
  private final AutoCreateSettings auto = new AutoCreateSettings(true, 2, 5, 30, false);
  private final MutableClock clock = new MutableClock(T0);
  private final FakeFleet fleet = new FakeFleet();
  private final FakeTraffic traffic = new FakeTraffic();
  private volatile Optional<BigDecimal> budgetLeft = Optional.of(BigDecimal.TEN);
  private final Spend spend = new Spend() {
    @Override
    public Optional<BigDecimal> hourlyPrice() {
      return Optional.of(new BigDecimal("0.06"));
    }

    @Override
    public Optional<BigDecimal> dailyBudgetLeft() {
      return budgetLeft;
    }
  };
  private final Tasks tasks = ExecutorTasks.sameThread();
  private Database db;
  private Engine engine;

  @BeforeEach
  void setUp() {
    db = Database.open(dir);
    engine = new Engine(memory, auto, fleet, spend, traffic, new DecisionLog(db), clock, tasks);
  }

  @AfterEach
  void tearDown() {
    tasks.close();
    db.close();
  }

  private void reading(double used) {
    long total = 1_000_000;
    MemorySample s = new MemorySample(clock.instant(), total, Math.round(total * (100 - used) / 100), 0, 0, 0, 0);
    engine.onReading(new MemoryState(s, Pressure.classify(used, 0, memory), Optional.empty(), 0));
  }

  @Test
  void sustainedPressureCreatesOneVmWithTheReason() {
    for (int i = 0; i <= 20; i++) {
      reading(90);
      if (i < 20) {
        clock.advance(Duration.ofSeconds(1));
      }
    }
    assertThat(fleet.createReasons).hasSize(1);
    assertThat(fleet.createReasons.get(0)).contains("memory at or above 85 % for 20 s");
    assertThat(engine.decisions().recent()).extracting(Decision::action).contains(Decision.Action.CREATE);
  }

  @Test
  void theSecondTickEndsTheWindowBetweenSparseReadings() {
    reading(90);
    clock.advance(Duration.ofSeconds(18));
    reading(90); // tray readings every 2 s would next come at 20 s; the tick must not wait for it
    clock.advance(Duration.ofSeconds(2));
    assertThat(engine.evaluate().action()).isEqualTo(Decision.Action.CREATE);
    assertThat(fleet.createReasons).hasSize(1);
  }

  @Test
  void unreadableSpendBlocksAndIsLogged() {
    budgetLeft = Optional.empty();
    for (int i = 0; i <= 20; i++) {
      reading(92);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(fleet.createReasons).isEmpty();
    assertThat(engine.decisions().recent()).extracting(Decision::reason).contains("SPEND_UNKNOWN");
  }

  @Test
  void idleVmIsTerminatedAtTheTimeout() {
    fleet.running.add(new Fleet.RunningVm("hr-1", T0, T0.plus(Duration.ofHours(3))));
    reading(40);
    clock.advance(Duration.ofMinutes(29));
    engine.reap();
    assertThat(fleet.terminated).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    engine.reap();
    assertThat(fleet.terminated).containsExactly("hr-1");
    engine.reap();
    assertThat(fleet.terminated).containsExactly("hr-1"); // asked once
  }

  @Test
  void cloudTrafficPostponesTheIdleTimeout() {
    fleet.running.add(new Fleet.RunningVm("hr-1", T0, T0.plus(Duration.ofHours(3))));
    traffic.last = Optional.of(T0.plus(Duration.ofMinutes(10)));
    clock.advance(Duration.ofMinutes(39));
    engine.reap();
    assertThat(fleet.terminated).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    engine.reap();
    assertThat(fleet.terminated).containsExactly("hr-1");
  }

  @Test
  void requestsInFlightKeepTheVm() {
    fleet.running.add(new Fleet.RunningVm("hr-1", T0, T0.plus(Duration.ofHours(3))));
    traffic.inFlight = 1;
    clock.advance(Duration.ofMinutes(45));
    engine.reap();
    assertThat(fleet.terminated).isEmpty();
  }

  @Test
  void localPressureKeepsTheVmBusy() {
    fleet.running.add(new Fleet.RunningVm("hr-1", T0, T0.plus(Duration.ofHours(3))));
    clock.advance(Duration.ofMinutes(20));
    reading(90);
    clock.advance(Duration.ofMinutes(29));
    engine.reap();
    assertThat(fleet.terminated).isEmpty();
  }

  @Test
  void maxLifetimeTerminatesEvenWhenBusy() {
    fleet.running.add(new Fleet.RunningVm("hr-1", T0, T0.plus(Duration.ofHours(3))));
    traffic.inFlight = 3;
    clock.advance(Duration.ofHours(3));
    engine.reap();
    assertThat(fleet.terminated).containsExactly("hr-1");
    assertThat(engine.decisions().recent()).extracting(Decision::reason).contains("REAP_MAX_LIFETIME");
  }

  static final class FakeFleet implements Fleet {
    final List<String> createReasons = new CopyOnWriteArrayList<>();
    final List<String> terminated = new CopyOnWriteArrayList<>();
    final List<RunningVm> running = new CopyOnWriteArrayList<>();

    @Override
    public boolean configured() {
      return true;
    }

    @Override
    public int activeOrPending() {
      return createReasons.size();
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
      createReasons.add(reason);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> terminate(String name, String reason) {
      terminated.add(name);
      return CompletableFuture.completedFuture(null);
    }
  }

  static final class FakeTraffic implements Traffic {
    volatile Optional<Instant> last = Optional.empty();
    volatile long inFlight;

    @Override
    public Optional<Instant> lastCloudTraffic() {
      return last;
    }

    @Override
    public long cloudInFlight() {
      return inFlight;
    }
  }
}
