package dev.headroom.ui.memory;

import dev.headroom.core.Tasks;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ProcessMemory;
import dev.headroom.ui.Format;
import java.time.Duration;
import java.util.List;
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
  static final int TOP_PROCESSES = 15;
  static final Duration PROCESS_REFRESH = Duration.ofSeconds(5);

  private final MemoryMonitor monitor;
  private final MemoryChartData chart;
  private final Tasks tasks;
  private final Executor fx;
  private final StringProperty used = new SimpleStringProperty("Reading memory…");
  private final StringProperty usedDetail = new SimpleStringProperty("");
  private final StringProperty history = new SimpleStringProperty("");
  private final StringProperty exportMessage = new SimpleStringProperty("");
  private final Format format = Format.DEFAULT;
  private final StringProperty swap = new SimpleStringProperty("");
  private final StringProperty projection = new SimpleStringProperty("");
  private final ObjectProperty<Pressure> pressure = new SimpleObjectProperty<>(Pressure.NORMAL);
  private final javafx.beans.property.BooleanProperty autoCreateOn = new javafx.beans.property.SimpleBooleanProperty();
  private final StringProperty thresholdText = new SimpleStringProperty("");
  private final ObjectProperty<ChartRange> range = new SimpleObjectProperty<>(ChartRange.FIVE_MINUTES);
  private final ObservableList<ProcessMemory> processes = FXCollections.observableArrayList();
  private final AtomicReference<MemoryState> queued = new AtomicReference<>();
  private final AtomicReference<List<ProcessMemory>> queuedProcesses = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean flushQueued = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile List<List<Object>> shownProcesses = List.of();
  private volatile long lastStateNanos;
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
    shownProcesses = List.of();
    autoCreateOn.set(chart.autoCreateOn());
    thresholdText.set(thresholdText(format, chart.thresholdPercent(), chart.autoCreateOn()));
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

  /** Writes the chart's range of memory history to {@code file} as CSV, in the background; says how it went. */
  public void exportCsv(java.nio.file.Path file) {
    ChartRange r = range.get();
    tasks.run(() -> {
      String text;
      try {
        List<dev.headroom.memory.MemorySample> samples =
            monitor.history().range(r.span(), chart.now());
        dev.headroom.core.Csv.write(file, List.of("time", "used_percent", "used_bytes", "available_bytes",
            "total_bytes", "swap_used_bytes", "swap_total_bytes"), samples.stream().map(m -> List.of(
                m.time().toString(), String.format(java.util.Locale.ROOT, "%.2f", m.usedPercent()),
                String.valueOf(m.usedBytes()), String.valueOf(m.availableBytes()), String.valueOf(m.totalBytes()),
                String.valueOf(m.swapUsedBytes()), String.valueOf(m.swapTotalBytes()))).toList());
        text = "Wrote " + samples.size() + " readings (" + r + ") to " + file;
      } catch (dev.headroom.core.AppException e) {
        text = e.userMessage();
      }
      String shown = text;
      fx.execute(() -> exportMessage.set(shown));
    });
  }

  /** The outcome of the last CSV export. */
  public ReadOnlyStringProperty exportMessageProperty() {
    return exportMessage;
  }

  public void refreshProcesses() {
    tasks.run(this::loadProcesses);
  }

  /**
   * Reads the top processes (background thread). The table is only touched when what it shows changes (a
   * resident size that moves within its rounding is not a change), and the change rides on the next reading's FX
   * update, so it costs no layout and render pass of its own.
   */
  private void loadProcesses() {
    List<ProcessMemory> top = monitor.topProcesses(TOP_PROCESSES);
    List<List<Object>> shown = top.stream().map(p -> List.<Object>of(p.pid(), p.name(),
        format.bytes(p.residentBytes()))).toList();
    if (shown.equals(shownProcesses)) {
      return;
    }
    shownProcesses = shown;
    queuedProcesses.set(top);
    // With readings arriving every second the next one carries it; otherwise (no sampling yet) go now.
    if (System.nanoTime() - lastStateNanos > 2_000_000_000L) {
      scheduleFlush();
    }
  }

  // Called on the sampling thread: the chart data are written here, labels go to the FX thread.
  void onState(MemoryState state) {
    lastStateNanos = System.nanoTime();
    chart.append(state);
    queued.set(state);
    scheduleFlush();
  }

  // At most one FX update queued at a time; it applies whatever arrived meanwhile (one layout pass, one render).
  private void scheduleFlush() {
    if (flushQueued.compareAndSet(false, true)) {
      fx.execute(this::flush);
    }
  }

  private void flush() {
    flushQueued.set(false);
    List<ProcessMemory> top = queuedProcesses.getAndSet(null);
    if (top != null) {
      updateRows(top);
    }
    apply(queued.getAndSet(null));
  }

  // Only rows whose text changed are replaced: a setAll would re-render every row of the table.
  private void updateRows(List<ProcessMemory> top) {
    if (top.size() != processes.size()) {
      processes.setAll(top);
      return;
    }
    for (int i = 0; i < top.size(); i++) {
      ProcessMemory was = processes.get(i);
      ProcessMemory now = top.get(i);
      if (was.pid() != now.pid() || !was.name().equals(now.name())
          || !format.bytes(was.residentBytes()).equals(format.bytes(now.residentBytes()))) {
        processes.set(i, now);
      }
    }
  }

  private void apply(MemoryState s) {
    if (s == null) {
      return;
    }
    var m = s.sample();
    used.set(format.percent(m.usedPercent()) + " used");
    usedDetail.set(format.bytes(m.usedBytes()) + " of " + format.bytes(m.totalBytes()) + " · "
        + format.bytes(m.availableBytes()) + " available");
    swap.set(m.swapTotalBytes() == 0 ? "No swap"
        : "Swap " + format.percent(m.swapPercent()) + " (" + format.bytes(m.swapUsedBytes()) + " of "
            + format.bytes(m.swapTotalBytes()) + ")");
    projection.set(s.projection().map(p -> projectionText(format, monitor.settings().projectionSeconds(),
        p.projectedPercent(), p.slopePercentPerSecond() * 60)).orElse("Projection: collecting data…"));
    pressure.set(s.pressure());
    autoCreateOn.set(chart.autoCreateOn());
    thresholdText.set(thresholdText(format, chart.thresholdPercent(), chart.autoCreateOn()));
    history.set(historyHint(format, chart.oldest(), range.get(), s.sample().time()));
  }

  /**
   * "In 60 s: about 72 % (rising 1.5 %/min)". The projection is a straight line, so after a big release it can point
   * below zero: it is clamped to 0..100 % and a steep slope reads as "falling fast" rather than "-108 %/min".
   */
  static String projectionText(Format f, int seconds, double projectedPercent, double slopePerMinute) {
    double clamped = Math.max(0, Math.min(100, projectedPercent));
    String trend;
    if (Math.abs(slopePerMinute) < 0.05) {
      trend = "steady";
    } else if (Math.abs(slopePerMinute) > 50) {
      trend = slopePerMinute > 0 ? "rising fast" : "falling fast";
    } else {
      trend = (slopePerMinute > 0 ? "rising " : "falling ") + f.decimals(
          java.math.BigDecimal.valueOf(Math.abs(slopePerMinute)), 1, 1) + " %/min";
    }
    return "In " + seconds + " s: about " + f.wholePercent(clamped) + " (" + trend + ")";
  }

  /** Says how far back the chart goes when the range asks for more history than was recorded. */
  static String historyHint(Format f, java.util.Optional<java.time.Instant> oldest, ChartRange range,
      java.time.Instant now) {
    if (oldest.isEmpty()) {
      return "No history yet";
    }
    Duration have = Duration.between(oldest.get(), now);
    if (have.compareTo(range.span().minusMinutes(1)) >= 0) {
      return "";
    }
    // Minute resolution: the label changes at most once a minute (a relayout a second costs CPU).
    return "History since " + TIME.format(oldest.get()) + " (" + (have.toMinutes() < 1 ? "under a minute"
        : f.duration(Duration.ofMinutes(have.toMinutes()))) + " of " + range + ")";
  }

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(java.time.ZoneId.systemDefault());

  static String gib(long bytes) {
    return Format.DEFAULT.bytes(bytes);
  }

  public ReadOnlyStringProperty usedProperty() {
    return used;
  }

  /** "12.1 GiB of 16.0 GiB · 3.9 GiB available". */
  public ReadOnlyStringProperty usedDetailProperty() {
    return usedDetail;
  }

  /** Empty when the range is fully covered, else "History since 14:02 (12 min of 24 h)". */
  public ReadOnlyStringProperty historyProperty() {
    return history;
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

  /** Whether auto-create is on (follows Preferences; the view swaps the threshold line's style). */
  public javafx.beans.property.ReadOnlyBooleanProperty autoCreateOnProperty() {
    return autoCreateOn;
  }

  /** "High-pressure threshold 85 % · auto-create on". */
  public ReadOnlyStringProperty thresholdTextProperty() {
    return thresholdText;
  }

  static String thresholdText(Format f, double percent, boolean autoCreate) {
    return "High-pressure threshold " + f.wholePercent(percent) + " · auto-create " + (autoCreate ? "on" : "off");
  }
}
