package dev.headroom.cost;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * LLM spend of the last {@link #WINDOW} in one bucket per second: memory is fixed (600 slots) whatever the event
 * rate, instead of one object per event. Not thread-safe: {@link UsageTotals} guards it.
 */
final class BurnWindow {
  static final Duration WINDOW = Duration.ofMinutes(10);
  private static final int SLOTS = (int) WINDOW.toSeconds();

  private final long[] second = new long[SLOTS];
  private final BigDecimal[] spend = new BigDecimal[SLOTS];

  BurnWindow() {
    java.util.Arrays.fill(second, Long.MIN_VALUE);
  }

  /** Adds {@code cost} spent at {@code at}; ignored when older than the window as seen from {@code now}. */
  void add(Instant at, BigDecimal cost, Instant now) {
    long s = at.getEpochSecond();
    long nowS = now.getEpochSecond();
    if (s <= nowS - SLOTS || s > nowS + SLOTS) {
      return; // outside any window that can still be asked for
    }
    int i = (int) Math.floorMod(s, (long) SLOTS);
    if (second[i] != s) {
      second[i] = s;
      spend[i] = BigDecimal.ZERO;
    }
    spend[i] = spend[i].add(cost);
  }

  /** Spend in the window ending at {@code now} (the last {@link #WINDOW}, now included). */
  BigDecimal sum(Instant now) {
    long nowS = now.getEpochSecond();
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < SLOTS; i++) {
      if (second[i] > nowS - SLOTS && second[i] <= nowS) {
        total = total.add(spend[i]);
      }
    }
    return total;
  }

  /** The window's spend scaled to an hour. */
  BigDecimal perHour(Instant now) {
    return sum(now).multiply(BigDecimal.valueOf(Duration.ofHours(1).toSeconds() / WINDOW.toSeconds()));
  }
}
