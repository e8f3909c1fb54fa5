package dev.headroom.memory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One minute of 1 s samples folded into one: mean available and swap, the lowest available seen, and the
 * cumulative page counters at the minute's last sample.
 *
 * @param mean the minute as one sample, stamped at the minute's start
 */
public record MinuteAggregate(MemorySample mean, long minAvailableBytes, int samples) {

  /** Folds {@code samples} (all from the same minute, non-empty) into one aggregate. */
  public static MinuteAggregate of(List<MemorySample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples to aggregate");
    }
    Instant minute = samples.get(0).time().truncatedTo(ChronoUnit.MINUTES);
    long total = 0;
    long available = 0;
    long swapTotal = 0;
    long swapUsed = 0;
    long minAvailable = Long.MAX_VALUE;
    for (MemorySample s : samples) {
      total += s.totalBytes();
      available += s.availableBytes();
      swapTotal += s.swapTotalBytes();
      swapUsed += s.swapUsedBytes();
      minAvailable = Math.min(minAvailable, s.availableBytes());
    }
    int n = samples.size();
    MemorySample last = samples.get(n - 1);
    MemorySample mean = new MemorySample(minute, total / n, available / n, swapTotal / n, swapUsed / n,
        last.pagesIn(), last.pagesOut());
    return new MinuteAggregate(mean, minAvailable, n);
  }
}
