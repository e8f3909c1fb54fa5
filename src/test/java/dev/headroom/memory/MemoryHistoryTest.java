package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.MutableClock;
import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryHistoryTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final long TOTAL = 16L << 30;

  @TempDir Path dir;

  private static MemorySample at(Instant t, long available) {
    return new MemorySample(t, TOTAL, available, 1L << 30, 1L << 20, 5, 7);
  }

  @Test
  void aCompletedMinuteIsFoldedIntoItsMeanAndMinimum() {
    MemoryHistory h = new MemoryHistory(null);
    for (int s = 0; s < 60; s++) {
      h.add(at(T0.plusSeconds(s), s < 30 ? 4L << 30 : 2L << 30));
    }
    assertThat(h.minuteCount()).isZero(); // the minute is still open
    h.add(at(T0.plusSeconds(60), 8L << 30));
    assertThat(h.minuteCount()).isEqualTo(1);
  }

  @Test
  void minuteAggregateKeepsMeanMinimumAndLastCounters() {
    List<MemorySample> minute = new java.util.ArrayList<>();
    for (int s = 0; s < 60; s++) {
      minute.add(new MemorySample(T0.plusSeconds(s), TOTAL, s < 30 ? 4L << 30 : 2L << 30, 1L << 30, 1L << 20, s, 2 * s));
    }
    MinuteAggregate agg = MinuteAggregate.of(minute);
    assertThat(agg.mean().time()).isEqualTo(T0);
    assertThat(agg.mean().availableBytes()).isEqualTo(3L << 30);
    assertThat(agg.minAvailableBytes()).isEqualTo(2L << 30);
    assertThat(agg.mean().pagesOut()).isEqualTo(118);
    assertThat(agg.samples()).isEqualTo(60);
  }

  @Test
  void fineSamplesOlderThanAnHourAreDropped() {
    MemoryHistory h = new MemoryHistory(null);
    for (int s = 0; s <= 3700; s += 10) {
      h.add(at(T0.plusSeconds(s), 4L << 30));
    }
    List<MemorySample> fine = h.recent(Duration.ofHours(2));
    assertThat(fine.get(0).time()).isAfterOrEqualTo(T0.plusSeconds(3700).minus(MemoryHistory.FINE_SPAN));
    assertThat(h.secondCount()).isEqualTo(361);
  }

  @Test
  void dayRangeUsesMinuteMeansBeforeTheFineWindow() {
    MemoryHistory h = new MemoryHistory(null);
    for (int s = 0; s <= 2 * 3600; s += 5) {
      h.add(at(T0.plusSeconds(s), 4L << 30));
    }
    Instant now = T0.plusSeconds(2 * 3600);
    List<MemorySample> day = h.range(Duration.ofHours(24), now);
    long fineCount = day.stream().filter(x -> x.time().getEpochSecond() % 60 != 0).count();
    assertThat(day.get(0).time()).isEqualTo(T0);
    assertThat(fineCount).isGreaterThan(600); // last hour at full resolution
    assertThat(day).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time()));
  }

  @Test
  void historyIsRestoredFromTheStoreAfterRestart() {
    MutableClock clock = new MutableClock(T0);
    try (Database db = Database.open(dir)) {
      MemoryHistory h = new MemoryHistory(new MemoryStore(db));
      for (int s = 0; s < 180; s++) {
        h.add(at(clock.instant(), (4L << 30) + s));
        clock.advance(Duration.ofSeconds(1));
      }
    }
    try (Database db = Database.open(dir)) {
      MemoryHistory restored = new MemoryHistory(new MemoryStore(db));
      restored.restore(clock.instant());
      assertThat(restored.secondCount()).isEqualTo(180);
      assertThat(restored.minuteCount()).isEqualTo(2); // minutes 0 and 1 closed; minute 2 still open
      assertThat(restored.recent(Duration.ofHours(1)).get(179).availableBytes()).isEqualTo((4L << 30) + 179);
    }
  }

  @Test
  void restoreDropsWhatHasAgedOut() {
    MutableClock clock = new MutableClock(T0);
    try (Database db = Database.open(dir)) {
      MemoryHistory h = new MemoryHistory(new MemoryStore(db));
      for (int s = 0; s < 130; s++) {
        h.add(at(clock.instant(), 4L << 30));
        clock.advance(Duration.ofSeconds(1));
      }
    }
    try (Database db = Database.open(dir)) {
      MemoryHistory later = new MemoryHistory(new MemoryStore(db));
      later.restore(T0.plus(Duration.ofHours(2)));
      assertThat(later.secondCount()).isZero();
      assertThat(later.minuteCount()).isEqualTo(2);
      MemoryHistory muchLater = new MemoryHistory(new MemoryStore(db));
      muchLater.restore(T0.plus(Duration.ofDays(31)));
      assertThat(muchLater.minuteCount()).isZero();
    }
  }
}
