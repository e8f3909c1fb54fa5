package dev.headroom.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Least-squares trend of used RAM over a recent window, projected ahead.
 *
 * @param slopePercentPerSecond fitted slope of used % over time
 * @param projectedPercent fitted used % at {@code at}, clamped to 0..100
 * @param at the instant projected to
 */
public record Projection(double slopePercentPerSecond, double projectedPercent, Instant at) {

  /** Fewer readings than this, or a span shorter than {@link #MIN_SPAN}, gives no projection. */
  static final int MIN_POINTS = 3;

  static final Duration MIN_SPAN = Duration.ofSeconds(5);

  /**
   * Fits used % against time over the samples in {@code (last - window, last]} and projects {@code ahead}
   * past the last sample. Empty when the data are too few or too short to fit.
   */
  public static Optional<Projection> fit(List<MemorySample> samples, Duration window, Duration ahead) {
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    Instant last = samples.get(samples.size() - 1).time();
    Instant from = last.minus(window);
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    int n = 0;
    Instant first = null;
    for (MemorySample s : samples) {
      if (!s.time().isAfter(from)) {
        continue;
      }
      if (first == null) {
        first = s.time();
      }
      // x in seconds relative to the last sample keeps the sums well conditioned.
      double x = Duration.between(last, s.time()).toMillis() / 1000.0;
      double y = s.usedPercent();
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      n++;
    }
    if (n < MIN_POINTS || Duration.between(first, last).compareTo(MIN_SPAN) < 0) {
      return Optional.empty();
    }
    double denom = n * sxx - sx * sx;
    if (denom == 0) {
      return Optional.empty();
    }
    double slope = (n * sxy - sx * sy) / denom;
    double intercept = (sy - slope * sx) / n;
    double aheadSeconds = ahead.toMillis() / 1000.0;
    double projected = Math.max(0, Math.min(100, intercept + slope * aheadSeconds));
    return Optional.of(new Projection(slope, projected, last.plus(ahead)));
  }
}
