package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.MemorySettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryMonitorTest {
  private final MemorySettings settings = new SettingsLoader().defaults().memory();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final ScriptedMemorySource source = new ScriptedMemorySource();
  private final Tasks tasks = ExecutorTasks.create("test", 1);
  private final MemoryMonitor monitor = new MemoryMonitor(source, settings, new MemoryHistory(null), clock, tasks);

  @AfterEach
  void close() {
    monitor.stop();
    tasks.close();
  }

  private static MemoryState state(double used, Pressure p) {
    long total = 1000;
    MemorySample s = new MemorySample(Instant.EPOCH, total, Math.round(total * (100 - used) / 100), 0, 0, 0, 0);
    return new MemoryState(s, p, Optional.empty(), 0);
  }

  @Test
  void readingsAreStampedByTheClockAndClassified() {
    source.setUsedPercent(90);
    MemoryState s = monitor.sampleNow();
    assertThat(s.sample().time()).isEqualTo(clock.instant());
    assertThat(s.pressure()).isEqualTo(Pressure.HIGH);
  }

  @Test
  void swapPageOutRateIsMeasuredBetweenReadings() {
    monitor.sampleNow();
    clock.advance(Duration.ofSeconds(2));
    source.addPagesOut(2000);
    MemoryState s = monitor.sampleNow();
    assertThat(s.pagesOutPerSecond()).isEqualTo(1000.0);
    assertThat(s.pressure()).isEqualTo(Pressure.CRITICAL);
  }

  @Test
  void projectionAppearsOnceEnoughHistoryExists() {
    for (int i = 0; i < 30; i++) {
      source.setUsedPercent(50 + i * 0.5);
      monitor.sampleNow();
      clock.advance(Duration.ofSeconds(1));
    }
    MemoryState s = monitor.latest().orElseThrow();
    assertThat(s.projection()).isPresent();
    assertThat(s.projection().get().projectedPercent()).isGreaterThan(s.sample().usedPercent());
  }

  @Test
  void dashboardSamplesEverySecond() {
    assertThat(MemoryMonitor.nextInterval(true, state(20, Pressure.NORMAL), settings)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void traySamplingIsSlowWhenRelaxedAndFastUnderPressure() {
    assertThat(MemoryMonitor.nextInterval(false, state(20, Pressure.NORMAL), settings))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(MemoryMonitor.nextInterval(false, state(75, Pressure.NORMAL), settings))
        .isEqualTo(Duration.ofSeconds(6));
    assertThat(MemoryMonitor.nextInterval(false, state(90, Pressure.HIGH), settings))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void listenersReceiveScheduledReadings() throws InterruptedException {
    List<MemoryState> seen = new CopyOnWriteArrayList<>();
    CountDownLatch two = new CountDownLatch(2);
    monitor.addListener(s -> {
      seen.add(s);
      two.countDown();
    });
    monitor.setDashboardOpen(true);
    monitor.start();
    assertThat(two.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).hasSizeGreaterThanOrEqualTo(2);
  }
}
