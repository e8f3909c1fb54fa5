package dev.headroom.ui.memory;

import dev.headroom.core.Tasks;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ProcessMemory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The memory tab's state: headline figures, pressure, projection text and the top processes. Receives readings on
 * the sampling thread and publishes them through {@code fx} (Platform::runLater in the app), coalescing so at most
 * one update is queued. Holds no Nodes.
 */
public final class MemoryViewModel {
  private static final int TOP_PROCESSES = 8;
  static final Duration PROCESS_REFRESH = Duration.ofSeconds(5);

  private final MemoryMonitor monitor;
  private final MemoryChartData chart;
  private final Tasks tasks;
  private final Executor fx;
  private final StringProperty used = new SimpleStringProperty("Reading memory…");
  private final StringProperty swap = new SimpleStringProperty("");
  private final StringProperty projection = new SimpleStringProperty("");
  private final ObjectProperty<Pressure> pressure = new SimpleObjectProperty<>(Pressure.NORMAL);
  private final ObjectProperty<ChartRange> range = new SimpleObjectProperty<>(ChartRange.FIVE_MINUTES);
  private final ObservableList<ProcessMemory> processes = FXCollections.observableArrayList();
  private final AtomicReference<MemoryState> queued = new AtomicReference<>();
  private Runnable unsubscribe = () -> {};
  private Tasks.Handle processRefresh;

  public MemoryViewModel(MemoryMonitor monitor, MemoryChartData chart, Tasks tasks, Executor fx) {
    this.monitor = monitor;
    this.chart = chart;
    this.tasks = tasks;
    this.fx = fx;
  }

  /** Starts following readings (the dashboard is showing). */
  public void activate() {
    tasks.run(() -> chart.showRange(range.get()));
    unsubscribe = monitor.addListener(this::onState);
    monitor.latest().ifPresent(this::onState);
    refreshProcesses();
    processRefresh = tasks.every(PROCESS_REFRESH, this::loadProcesses);
  }

  /** Stops following readings (the dashboard was closed). */
  public void deactivate() {
    unsubscribe.run();
    if (processRefresh != null) {
      processRefresh.cancel();
    }
  }

  /** Switches the chart range; the data sets are rebuilt in the background. */
  public void selectRange(ChartRange newRange) {
    range.set(newRange);
    tasks.run(() -> chart.showRange(newRange));
  }

  public void refreshProcesses() {
    tasks.run(this::loadProcesses);
  }

  private void loadProcesses() {
    List<ProcessMemory> top = monitor.topProcesses(TOP_PROCESSES);
    fx.execute(() -> processes.setAll(top));
  }

  // Called on the sampling thread: the chart data are written here, labels go to the FX thread.
  void onState(MemoryState state) {
    chart.append(state);
    if (queued.getAndSet(state) == null) {
      fx.execute(() -> apply(queued.getAndSet(null)));
    }
  }

  private void apply(MemoryState s) {
    if (s == null) {
      return;
    }
    var m = s.sample();
    used.set(String.format(Locale.ROOT, "%.1f %% used — %s of %s (%s available)", m.usedPercent(),
        gib(m.usedBytes()), gib(m.totalBytes()), gib(m.availableBytes())));
    swap.set(m.swapTotalBytes() == 0 ? "No swap"
        : String.format(Locale.ROOT, "Swap %.1f %% — %s of %s", m.swapPercent(), gib(m.swapUsedBytes()),
            gib(m.swapTotalBytes())));
    projection.set(s.projection()
        .map(p -> String.format(Locale.ROOT, "In %d s: %.1f %% (%+.2f %%/min)",
            monitor.settings().projectionSeconds(), p.projectedPercent(), p.slopePercentPerSecond() * 60))
        .orElse("Projection: collecting data…"));
    pressure.set(s.pressure());
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  public ReadOnlyStringProperty usedProperty() {
    return used;
  }

  public ReadOnlyStringProperty swapProperty() {
    return swap;
  }

  public ReadOnlyStringProperty projectionProperty() {
    return projection;
  }

  public ReadOnlyObjectProperty<Pressure> pressureProperty() {
    return pressure;
  }

  public ReadOnlyObjectProperty<ChartRange> rangeProperty() {
    return range;
  }

  public ObservableList<ProcessMemory> processes() {
    return FXCollections.unmodifiableObservableList(processes);
  }

  public MemoryChartData chart() {
    return chart;
  }

  public double thresholdPercent() {
    return monitor.settings().thresholdPercent();
  }
}
