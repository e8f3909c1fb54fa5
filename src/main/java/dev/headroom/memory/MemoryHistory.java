package dev.headroom.memory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory history downsampled in two tiers: every sample for the last {@link #FINE_SPAN} (1 h) and one
 * {@link MinuteAggregate} per minute for {@link #COARSE_SPAN} (30 days). Each completed tier entry is written to
 * the {@link MemoryStore} when one is given, and {@link #restore} reloads them at start. Thread-safe.
 */
public final class MemoryHistory {
  public static final Duration FINE_SPAN = Duration.ofHours(1);
  public static final Duration COARSE_SPAN = Duration.ofDays(30);

  private final ArrayDeque<MemorySample> fine = new ArrayDeque<>();
  private final ArrayDeque<MemorySample> coarse = new ArrayDeque<>();
  private final List<MemorySample> currentMinute = new ArrayList<>();
  private final MemoryStore store;

  /** History written through to {@code store}; pass {@code null} for memory only (tests, benchmarks). */
  public MemoryHistory(MemoryStore store) {
    this.store = store;
  }

  /** Loads the persisted tiers as of {@code now} (older rows are pruned from the store as well). */
  public synchronized void restore(Instant now) {
    if (store == null) {
      return;
    }
    store.prune(now.minus(FINE_SPAN), now.minus(COARSE_SPAN));
    fine.clear();
    coarse.clear();
    currentMinute.clear();
    fine.addAll(store.loadSeconds(now.minus(FINE_SPAN)));
    for (MinuteAggregate m : store.loadMinutes(now.minus(COARSE_SPAN))) {
      coarse.add(m.mean());
    }
  }

  /** Appends a sample; samples must arrive in time order (an older one is ignored). */
  public synchronized void add(MemorySample s) {
    MemorySample lastFine = fine.peekLast();
    if (lastFine != null && !s.time().isAfter(lastFine.time())) {
      return;
    }
    Instant minute = s.time().truncatedTo(ChronoUnit.MINUTES);
    if (!currentMinute.isEmpty() && !currentMinute.get(0).time().truncatedTo(ChronoUnit.MINUTES).equals(minute)) {
      closeMinute();
    }
    currentMinute.add(s);
    fine.addLast(s);
    if (store != null) {
      store.insertSecond(s);
    }
    Instant fineFrom = s.time().minus(FINE_SPAN);
    boolean pruned = false;
    while (!fine.isEmpty() && fine.peekFirst().time().isBefore(fineFrom)) {
      fine.removeFirst();
      pruned = true;
    }
    Instant coarseFrom = s.time().minus(COARSE_SPAN);
    while (!coarse.isEmpty() && coarse.peekFirst().time().isBefore(coarseFrom)) {
      coarse.removeFirst();
    }
    if (pruned && store != null && s.time().getEpochSecond() % 60 == 0) {
      store.prune(fineFrom, coarseFrom);
    }
  }

  private void closeMinute() {
    MinuteAggregate agg = MinuteAggregate.of(currentMinute);
    currentMinute.clear();
    MemorySample lastCoarse = coarse.peekLast();
    if (lastCoarse == null || agg.mean().time().isAfter(lastCoarse.time())) {
      coarse.addLast(agg.mean());
      if (store != null) {
        store.insertMinute(agg);
      }
    }
  }

  /** Every fine sample newer than {@code span} before the newest one, oldest first. */
  public synchronized List<MemorySample> recent(Duration span) {
    MemorySample last = fine.peekLast();
    if (last == null) {
      return List.of();
    }
    Instant from = last.time().minus(span);
    List<MemorySample> out = new ArrayList<>();
    for (MemorySample s : fine) {
      if (s.time().isAfter(from)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * What a chart of the last {@code span} shows, oldest first: fine samples where they reach, minute means
   * before that.
   */
  public synchronized List<MemorySample> range(Duration span, Instant now) {
    Instant from = now.minus(span);
    List<MemorySample> out = new ArrayList<>();
    Instant fineStart = fine.isEmpty() ? now : fine.peekFirst().time();
    for (MemorySample m : coarse) {
      if (m.time().isAfter(from) && m.time().isBefore(fineStart)) {
        out.add(m);
      }
    }
    for (MemorySample s : fine) {
      if (s.time().isAfter(from)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Number of minute aggregates held. */
  public synchronized int minuteCount() {
    return coarse.size();
  }

  /** Number of fine samples held. */
  public synchronized int secondCount() {
    return fine.size();
  }
}
