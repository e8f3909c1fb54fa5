package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.config.MemorySettings;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The monitor's schedule (start, stop, dashboard switch, failed reads), page-out rates and its accessors. */
class MemoryMonitorSchedulingTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final long GIB = 1L << 30;
  private final MemorySettings settings = new MemorySettings(85, 95, 500, 20, 60, 2, 10);
  private final MutableClock clock = new MutableClock(T0);
  private final ManualTasks tasks = new ManualTasks();
  private final Source source = new Source();
  private final MemoryHistory history = new MemoryHistory(null);
  private final MemoryMonitor monitor = new MemoryMonitor(source, settings, history, clock, tasks);

  /** Records each {@code after} and lets the test run the latest one. */
  private static final class ManualTasks implements Tasks {
    final List<String> log = new ArrayList<>();
    final List<Runnable> scheduled = new ArrayList<>();

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> work) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Handle every(Duration period, Runnable work) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Handle after(Duration delay, Runnable work) {
      int n = scheduled.size();
      log.add("after " + delay);
      scheduled.add(work);
      return () -> log.add("cancel " + n);
    }

    void runLatest() {
      scheduled.get(scheduled.size() - 1).run();
    }

    @Override
    public void close() { }
  }

  /** 16 GiB of RAM at a set use, with page-out counters and failures the test sets. */
  private static final class Source implements MemorySource {
    volatile double used = 50;
    volatile long pagesOut;
    volatile boolean fail;

    @Override
    public MemorySample sample(Instant time) {
      if (fail) {
        throw new IllegalStateException("cannot read");
      }
      long total = 16 * GIB;
      return new MemorySample(time, total, Math.round(total * (100 - used) / 100), 0, 0, 0, pagesOut);
    }

    @Override
    public List<ProcessMemory> topProcesses(int limit) {
      return List.of(new ProcessMemory(42, "java", 3 * GIB), new ProcessMemory(7, "chrome", GIB)).subList(0,
          Math.min(limit, 2));
    }
  }

  @Test
  void startReadsAtOnceAndStopCancelsTheNextReading() {
    monitor.start();
    assertThat(tasks.log).containsExactly("after PT0S");

    tasks.runLatest();
    assertThat(monitor.latest()).isPresent();
    assertThat(tasks.log).containsExactly("after PT0S", "cancel 0", "after PT10S");

    monitor.stop();
    assertThat(tasks.log).endsWith("cancel 1");
    tasks.runLatest(); // a reading already under way when stopped
    assertThat(tasks.log).as("nothing scheduled after stop").endsWith("cancel 1");
    monitor.stop(); // twice is harmless
  }

  @Test
  void openingTheDashboardReadsAtOnceOnlyWhenRunningAndNotAlreadyOpen() {
    monitor.setDashboardOpen(true);
    assertThat(tasks.log).as("not running: nothing scheduled").isEmpty();
    assertThat(monitor.dashboardOpen()).isTrue();
    monitor.setDashboardOpen(false);
    assertThat(monitor.dashboardOpen()).isFalse();

    monitor.start();
    monitor.setDashboardOpen(true);
    assertThat(tasks.log).containsExactly("after PT0S", "cancel 0", "after PT0S");
    monitor.setDashboardOpen(true);
    monitor.setDashboardOpen(false);
    assertThat(tasks.log).hasSize(3);

    tasks.runLatest();
    assertThat(tasks.log).last().isEqualTo("after PT10S");
    monitor.setDashboardOpen(true);
    tasks.runLatest();
    assertThat(tasks.log).last().isEqualTo("after PT1S");
  }

  @Test
  void aFailedReadingKeepsSamplingAtTheLastKnownPace() {
    monitor.start();
    source.used = 90; // HIGH: the minimum interval
    tasks.runLatest();
    assertThat(tasks.log).last().isEqualTo("after PT2S");

    source.fail = true;
    tasks.runLatest();
    assertThat(tasks.log).last().isEqualTo("after PT2S");
    assertThat(monitor.latest()).hasValueSatisfying(s -> assertThat(s.pressure()).isEqualTo(Pressure.HIGH));
  }

  @Test
  void aFailedFirstReadingRetriesAtTheMinimumInterval() {
    source.fail = true;
    monitor.start();
    tasks.runLatest();

    assertThat(tasks.log).last().isEqualTo("after PT2S");
    assertThat(monitor.latest()).isEmpty();
  }

  @Test
  void withoutAReadingTheTrayUsesTheMinimumInterval() {
    assertThat(MemoryMonitor.nextInterval(false, null, settings)).isEqualTo(Duration.ofSeconds(2));
    assertThat(MemoryMonitor.nextInterval(true, null, settings)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void thePageOutRateIsPagesPerSecondSinceThePreviousReading() {
    source.pagesOut = 1_000;
    assertThat(monitor.sampleNow().pagesOutPerSecond()).as("no previous reading").isZero();

    clock.advance(Duration.ofMillis(2_500));
    source.pagesOut = 1_500;
    assertThat(monitor.sampleNow().pagesOutPerSecond()).isCloseTo(200.0, within(1e-9));

    clock.advance(Duration.ofSeconds(1));
    source.pagesOut = 100; // counters reset (reboot of a VM host, wrap)
    assertThat(monitor.sampleNow().pagesOutPerSecond()).isZero();

    source.pagesOut = 400; // same instant: no rate
    assertThat(monitor.sampleNow().pagesOutPerSecond()).isZero();

    clock.advance(Duration.ofSeconds(1));
    assertThat(monitor.sampleNow().pagesOutPerSecond()).as("no new pages").isZero();
  }

  @Test
  void swappingFastEnoughIsCriticalWithRamToSpare() {
    monitor.sampleNow();
    clock.advance(Duration.ofSeconds(1));
    source.pagesOut = 500;

    MemoryState s = monitor.sampleNow();

    assertThat(s.pagesOutPerSecond()).isEqualTo(500.0);
    assertThat(s.pressure()).isEqualTo(Pressure.CRITICAL);
  }

  @Test
  void listenersAreToldEachReadingUntilRemovedAndAFailingOneDoesNotStopTheOthers() {
    List<MemoryState> seen = new ArrayList<>();
    monitor.addListener(s -> {
      throw new IllegalStateException("broken listener");
    });
    Runnable remove = monitor.addListener(seen::add);

    MemoryState first = monitor.sampleNow();
    remove.run();
    clock.advance(Duration.ofSeconds(1));
    monitor.sampleNow();

    assertThat(seen).containsExactly(first);
  }

  @Test
  void readingsFeedTheHistoryAndTheProjection() {
    for (int i = 0; i < 10; i++) {
      source.used = 50 + i;
      monitor.sampleNow();
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(monitor.history()).isSameAs(history);
    assertThat(history.secondCount()).isEqualTo(10);
    assertThat(monitor.latest().orElseThrow().projection()).hasValueSatisfying(p ->
        assertThat(p.slopePercentPerSecond()).isCloseTo(1.0, within(1e-6)));
    assertThat(monitor.settings()).isSameAs(settings);
    assertThat(monitor.topProcesses(1)).extracting(ProcessMemory::name).containsExactly("java");
  }

  @Test
  void theTrayIntervalShrinksAsUseApproachesTheThresholdOrIsProjectedTo() {
    MemorySample at75 = new MemorySample(T0, 100, 25, 0, 0, 0, 0);
    MemoryState normal = new MemoryState(at75, Pressure.NORMAL, Optional.empty(), 0);
    // 75 % is halfway from 65 % (threshold - 20) to 85 %: halfway from 10 s to 2 s
    assertThat(MemoryMonitor.nextInterval(false, normal, settings)).isEqualTo(Duration.ofSeconds(6));
    MemoryState projected = new MemoryState(at75, Pressure.NORMAL,
        Optional.of(new Projection(0.1, 81, T0.plusSeconds(60))), 0);
    assertThat(MemoryMonitor.nextInterval(false, projected, settings)).isEqualTo(Duration.ofMillis(3600));
    MemoryState low = new MemoryState(new MemorySample(T0, 100, 90, 0, 0, 0, 0), Pressure.NORMAL,
        Optional.of(new Projection(-1, 0, T0)), 0);
    assertThat(MemoryMonitor.nextInterval(false, low, settings)).isEqualTo(Duration.ofSeconds(10));
  }
}
