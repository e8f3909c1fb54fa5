package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History written through to H2: pruning as it goes and at restore, a restore replacing what was held. */
class MemoryHistoryStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final long TOTAL = 16L << 30;
  @TempDir Path dir;
  private Database db;
  private MemoryStore store;

  @BeforeEach
  void open() {
    db = Database.open(dir);
    store = new MemoryStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static MemorySample at(Instant t, long available) {
    return new MemorySample(t, TOTAL, available, 0, 0, 1, 2);
  }

  @Test
  void secondsOlderThanAnHourLeaveTheStoreOnTheNextWholeMinute() {
    MemoryHistory h = new MemoryHistory(store);
    Instant first = T0.plusSeconds(30);
    h.add(at(first, 1));
    h.add(at(first.plus(MemoryHistory.FINE_SPAN).plusSeconds(1), 2)); // drops the first in memory, :31 s: no prune
    assertThat(h.secondCount()).isEqualTo(1);
    assertThat(store.loadSeconds(Instant.EPOCH)).hasSize(2);

    h.add(at(T0.plus(MemoryHistory.FINE_SPAN).plusSeconds(60), 3)); // nothing older left in memory: no prune
    assertThat(store.loadSeconds(Instant.EPOCH)).hasSize(3);

    MemoryHistory h2 = new MemoryHistory(store);
    h2.add(at(T0, 1));
    h2.add(at(T0.plus(MemoryHistory.FINE_SPAN).plusSeconds(120), 4)); // drops T0 in memory, on a whole minute
    assertThat(store.loadSeconds(Instant.EPOCH)).extracting(MemorySample::availableBytes)
        .as("everything before the last hour pruned").containsExactly(2L, 3L, 4L);
  }

  @Test
  void restoreReplacesWhatWasHeldAndPrunesTheStore() {
    MemoryHistory writer = new MemoryHistory(store);
    for (int s = 0; s < 180; s++) {
      writer.add(at(T0.plusSeconds(s), s));
    }
    MemoryHistory h = new MemoryHistory(store);
    h.add(at(T0.minus(Duration.ofDays(1)), 7)); // held in memory only before the restore

    h.restore(T0.plusSeconds(180).plus(MemoryHistory.FINE_SPAN).minusSeconds(60));

    assertThat(h.secondCount()).isEqualTo(60);
    assertThat(h.minuteCount()).isEqualTo(2);
    assertThat(h.recent(Duration.ofHours(2))).extracting(MemorySample::availableBytes).first().isEqualTo(120L);
    assertThat(store.loadSeconds(Instant.EPOCH)).as("pruned at restore").hasSize(60);

    h.add(at(T0.plusSeconds(180), 1)); // continues after the restored samples
    assertThat(h.secondCount()).isEqualTo(61);
  }

  @Test
  void restoreWithoutAStoreKeepsWhatIsHeld() {
    MemoryHistory h = new MemoryHistory(null);
    h.add(at(T0, 1));

    h.restore(T0);

    assertThat(h.secondCount()).isEqualTo(1);
  }

  @Test
  void anOlderOrEqualSampleIsIgnored() {
    MemoryHistory h = new MemoryHistory(store);
    h.add(at(T0, 1));
    h.add(at(T0, 2));
    h.add(at(T0.minusSeconds(1), 3));

    assertThat(h.recent(Duration.ofMinutes(1))).extracting(MemorySample::availableBytes).containsExactly(1L);
    assertThat(store.loadSeconds(Instant.EPOCH)).hasSize(1);
  }

  @Test
  void recentIsTheSpanBeforeTheNewestSampleStartExcluded() {
    MemoryHistory h = new MemoryHistory(null);
    assertThat(h.recent(Duration.ofMinutes(1))).isEmpty();
    for (int s = 0; s <= 10; s++) {
      h.add(at(T0.plusSeconds(s), s));
    }

    assertThat(h.recent(Duration.ofSeconds(3))).extracting(MemorySample::availableBytes).containsExactly(8L, 9L, 10L);
    assertThat(h.range(Duration.ofSeconds(3), T0.plusSeconds(10))).extracting(MemorySample::availableBytes)
        .containsExactly(8L, 9L, 10L);
  }

  @Test
  void aMinuteIsStoredOnceWhenTheNextBegins() {
    MemoryHistory h = new MemoryHistory(store);
    h.add(at(T0.plusSeconds(10), 100));
    h.add(at(T0.plusSeconds(20), 300));
    h.add(at(T0.plusSeconds(60), 50));

    List<MinuteAggregate> minutes = store.loadMinutes(Instant.EPOCH);
    assertThat(minutes).singleElement().satisfies(m -> {
      assertThat(m.mean().time()).isEqualTo(T0);
      assertThat(m.mean().availableBytes()).isEqualTo(200);
      assertThat(m.minAvailableBytes()).isEqualTo(100);
      assertThat(m.samples()).isEqualTo(2);
    });
  }
}
