package dev.headroom.ui.memory;

import dev.headroom.memory.MemoryHistory;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemoryState;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Owns the chart's ChartFx data sets (used RAM %, swap %, threshold, projection) and writes them in bulk under the
 * data sets' write lock. It is called from background threads only: writing ChartFx data sets on the FX thread
 * deadlocks with the chart's pulse (DESIGN.md 6). X values are epoch seconds.
 */
public final class MemoryChartData {
  private final DoubleDataSet used = new DoubleDataSet("Used RAM %", 4096);
  private final DoubleDataSet swap = new DoubleDataSet("Swap %", 4096);
  // One reference line per auto-create state; the view shows the one in force (solid accent when auto-create is on,
  // dashed grey and named "auto-create off" when it is off). Both are kept current, so a switch is instant.
  private final DoubleDataSet thresholdOn = new DoubleDataSet("Auto-create threshold", 2);
  private final DoubleDataSet thresholdOff = new DoubleDataSet("Threshold (auto-create off)", 2);
  private final DoubleDataSet projection = new DoubleDataSet("60 s projection", 2);
  private final MemoryHistory history;
  private final Clock clock;
  private final java.util.function.DoubleSupplier thresholdPercent;
  private final java.util.function.BooleanSupplier autoCreateOn;
  private volatile ChartRange range = ChartRange.FIVE_MINUTES;
  private volatile Instant oldest;

  /** A fixed threshold with auto-create off. */
  public MemoryChartData(MemoryHistory history, double thresholdPercent, Clock clock) {
    this(history, () -> thresholdPercent, () -> false, clock);
  }

  /**
   * @param thresholdPercent the threshold in force (read at each reading: Preferences change it live)
   * @param autoCreateOn whether auto-create is on now (same)
   */
  public MemoryChartData(MemoryHistory history, java.util.function.DoubleSupplier thresholdPercent,
      java.util.function.BooleanSupplier autoCreateOn, Clock clock) {
    thresholdOn.addStyleClasses("threshold-line", "threshold-on");
    thresholdOff.addStyleClasses("threshold-line", "threshold-off");
    projection.addStyleClasses("projection-line");
    this.history = history;
    this.thresholdPercent = thresholdPercent;
    this.autoCreateOn = autoCreateOn;
    this.clock = clock;
  }

  /** The series as the chart shows them now: used, swap, the threshold line for the current auto-create state. */
  public List<DoubleDataSet> dataSets() {
    return List.of(used, swap, threshold(autoCreateOn()), projection);
  }

  /** The threshold line drawn when auto-create is {@code on}. */
  public DoubleDataSet threshold(boolean on) {
    return on ? thresholdOn : thresholdOff;
  }

  /** Whether auto-create is on now. */
  public boolean autoCreateOn() {
    return autoCreateOn.getAsBoolean();
  }

  /** The threshold in force now. */
  public double thresholdPercent() {
    return thresholdPercent.getAsDouble();
  }

  public DoubleDataSet used() {
    return used;
  }

  public DoubleDataSet projection() {
    return projection;
  }

  public ChartRange range() {
    return range;
  }

  /** Reloads every series from the history for {@code newRange}, in one write per data set. */
  public void showRange(ChartRange newRange) {
    this.range = newRange;
    Instant now = clock.instant();
    List<MemorySample> samples = history.range(newRange.span(), now);
    int n = samples.size();
    oldest = n == 0 ? null : samples.get(0).time();
    double[] xs = new double[n];
    double[] ys = new double[n];
    double[] ss = new double[n];
    for (int i = 0; i < n; i++) {
      MemorySample s = samples.get(i);
      xs[i] = seconds(s.time());
      ys[i] = s.usedPercent();
      ss[i] = s.swapPercent();
    }
    used.lock().writeLockGuard(() -> used.set(xs, ys, n, true));
    swap.lock().writeLockGuard(() -> swap.set(xs, ss, n, true));
    setThreshold(seconds(now.minus(newRange.span())), seconds(now) + 60);
  }

  /** Now, by the injected clock. */
  public Instant now() {
    return clock.instant();
  }

  /** The oldest reading shown in the current range (empty before the first reading). */
  public java.util.Optional<Instant> oldest() {
    return java.util.Optional.ofNullable(oldest);
  }

  /** Appends one reading and trims points that fell out of the range. */
  public void append(MemoryState state) {
    MemorySample s = state.sample();
    if (oldest == null) {
      oldest = s.time();
    }
    double x = seconds(s.time());
    double from = x - range.span().toSeconds();
    used.lock().writeLockGuard(() -> {
      used.add(x, s.usedPercent());
      trim(used, from);
    });
    swap.lock().writeLockGuard(() -> {
      swap.add(x, s.swapPercent());
      trim(swap, from);
    });
    setThreshold(from, x + 60);
    projection.lock().writeLockGuard(() -> {
      if (state.projection().isPresent()) {
        var p = state.projection().get();
        projection.set(new double[] {x, seconds(p.at())}, new double[] {s.usedPercent(), p.projectedPercent()});
      } else {
        projection.clearData();
      }
    });
  }

  private void setThreshold(double from, double to) {
    double t = thresholdPercent();
    for (DoubleDataSet d : List.of(thresholdOn, thresholdOff)) {
      d.lock().writeLockGuard(() -> d.set(new double[] {from, to}, new double[] {t, t}));
    }
  }

  private static void trim(DoubleDataSet ds, double from) {
    int drop = 0;
    int n = ds.getDataCount();
    while (drop < n && ds.get(0, drop) < from) {
      drop++;
    }
    if (drop > 0) {
      ds.remove(0, drop);
    }
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

}
