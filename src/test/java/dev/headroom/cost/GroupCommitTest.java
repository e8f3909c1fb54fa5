package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the single usage writer groups appends into transactions (each one commit + fsync). */
class GroupCommitTest {
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

  @TempDir Path dir;
  private Database db;
  private CostStore store;
  private final List<Integer> groupSizes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    db = Database.open(dir);
    store = new CostStore(db, Clock.fixed(T0, ZoneOffset.UTC), stored -> groupSizes.add(stored.size()));
  }

  @AfterEach
  void close() {
    store.close();
    db.close();
  }

  private static List<PricedUsage> events(int n) {
    List<PricedUsage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new PricedUsage(new LlmUsage(T0, "openai", "gpt-4o-mini", i, 0, 1, 0, "test"),
          Optional.of(new BigDecimal("0.000001"))));
    }
    return out;
  }

  /** Holds the writer busy (as during a long fsync) until the returned latch is released. */
  private CountDownLatch blockWriter() throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    store.onWriter(() -> {
      running.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  private long storedRows() {
    return db.withConnection(c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM llm_usage")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void everythingQueuedWhileTheWriterIsBusyGoesIntoTheNextGroupWithoutWaiting() throws Exception {
    CountDownLatch release = blockWriter();
    long groupsBefore = store.groupsWritten();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      acks.add(store.append(events(1), Optional.empty()));
    }
    release.countDown();
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    assertThat(groupSizes).containsExactly(100);
    assertThat(store.groupsWritten() - groupsBefore).isEqualTo(1);
    assertThat(storedRows()).isEqualTo(100);
  }

  @Test
  void aGroupStopsAtItsBoundSoOneTransactionStaysShort() throws Exception {
    CountDownLatch release = blockWriter();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      acks.add(store.append(events(1_000), Optional.empty()));
    }
    release.countDown();
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertThat(groupSizes).containsExactly(CostStore.MAX_GROUP_EVENTS, CostStore.MAX_GROUP_EVENTS, 2_000);
    assertThat(storedRows()).isEqualTo(12_000);
  }

  @Test
  void anAcknowledgedAppendIsCommittedAndCountedBeforeItsFutureCompletes() throws Exception {
    store.append(events(3), Optional.of(new CostStore.LogOffset("/tmp/usage.jsonl", 42))).get(10, TimeUnit.SECONDS);

    assertThat(groupSizes).containsExactly(3);
    assertThat(storedRows()).isEqualTo(3);
    assertThat(store.logOffset("/tmp/usage.jsonl")).isEqualTo(42);
  }

  @Test
  void workQueuedBehindAppendsRunsAfterTheirGroupIsStored() throws Exception {
    CountDownLatch release = blockWriter();
    CompletableFuture<Void> ack = store.append(events(5), Optional.empty());
    long[] seen = new long[1];
    CompletableFuture<Void> work = store.onWriter(() -> seen[0] = storedRows());
    CompletableFuture<Void> later = store.append(events(2), Optional.empty());
    release.countDown();
    CompletableFuture.allOf(ack, work, later).get(10, TimeUnit.SECONDS);

    assertThat(seen[0]).isEqualTo(5);
    assertThat(groupSizes).containsExactly(5, 2);
  }
}
