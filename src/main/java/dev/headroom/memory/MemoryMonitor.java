package dev.headroom.memory;

import dev.headroom.config.MemorySettings;
import dev.headroom.core.Tasks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples memory on a schedule, classifies pressure, projects the trend, feeds the history and tells listeners.
 * Every second while the dashboard is open; in the tray, adaptively between the configured minimum and maximum
 * (faster as pressure rises).
 *
 * <pre>{@code
 * MemoryMonitor monitor = new MemoryMonitor(new OshiMemorySource(), settings.memory(), history, clock, tasks);
 * monitor.addListener(state -> tray.show(state.pressure()));
 * monitor.start();
 * }</pre>
 */
public final class MemoryMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryMonitor.class);
  static final Duration DASHBOARD_INTERVAL = Duration.ofSeconds(1);

  private final MemorySource source;
  private volatile MemorySettings settings;
  private final MemoryHistory history;
  private final Clock clock;
  private final Tasks tasks;
  private final List<Consumer<MemoryState>> listeners = new CopyOnWriteArrayList<>();

  private volatile MemoryState latest;
  private volatile boolean dashboardOpen;
  private Tasks.Handle pending;
  private boolean running;

  public MemoryMonitor(MemorySource source, MemorySettings settings, MemoryHistory history, Clock clock,
      Tasks tasks) {
    this.source = source;
    this.settings = settings;
    this.history = history;
    this.clock = clock;
    this.tasks = tasks;
  }

  /** Takes a first reading now and keeps sampling until {@link #stop()}. */
  public synchronized void start() {
    running = true;
    schedule(Duration.ZERO);
  }

  public synchronized void stop() {
    running = false;
    if (pending != null) {
      pending.cancel();
      pending = null;
    }
  }

  /** Switches between dashboard (1 s) and tray (adaptive) sampling; opening samples at once. */
  public synchronized void setDashboardOpen(boolean open) {
    boolean wasOpen = dashboardOpen;
    dashboardOpen = open;
    if (open && !wasOpen && running) {
      schedule(Duration.ZERO);
    }
  }

  public boolean dashboardOpen() {
    return dashboardOpen;
  }

  /** Adds a listener called on the sampling thread after each reading; returns a handle that removes it. */
  public Runnable addListener(Consumer<MemoryState> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public Optional<MemoryState> latest() {
    return Optional.ofNullable(latest);
  }

  public MemoryHistory history() {
    return history;
  }

  public MemorySettings settings() {
    return settings;
  }

  /** New thresholds and intervals (Preferences apply them live): the next reading uses them. */
  public void updateSettings(MemorySettings s) {
    this.settings = s;
  }

  /** The processes using the most memory (expensive: the dashboard asks every few seconds). */
  public List<ProcessMemory> topProcesses(int limit) {
    return source.topProcesses(limit);
  }

  /** Takes one reading now: classify, project, store, notify. */
  public MemoryState sampleNow() {
    MemorySample s = source.sample(clock.instant());
    MemoryState previous = latest;
    double pagesOutRate = 0;
    if (previous != null) {
      double seconds = Duration.between(previous.sample().time(), s.time()).toMillis() / 1000.0;
      long delta = s.pagesOut() - previous.sample().pagesOut();
      if (seconds > 0 && delta > 0) {
        pagesOutRate = delta / seconds;
      }
    }
    history.add(s);
    Duration window = Duration.ofSeconds(settings.projectionSeconds());
    Optional<Projection> projection = Projection.fit(history.recent(window), window, window);
    MemoryState state = new MemoryState(s, Pressure.classify(s.usedPercent(), pagesOutRate, settings),
        projection, pagesOutRate);
    latest = state;
    for (Consumer<MemoryState> l : listeners) {
      try {
        l.accept(state);
      } catch (RuntimeException e) {
        LOG.warn("Memory listener failed: {}", e.toString(), e);
      }
    }
    return state;
  }

  /**
   * How long to wait before the next reading: 1 s with the dashboard open; in the tray the minimum under HIGH or
   * CRITICAL pressure, else shrinking linearly from the maximum as used memory climbs from 20 points below the
   * threshold up to it.
   */
  public static Duration nextInterval(boolean dashboardOpen, MemoryState state, MemorySettings s) {
    if (dashboardOpen) {
      return DASHBOARD_INTERVAL;
    }
    Duration min = Duration.ofSeconds(s.trayMinIntervalSeconds());
    Duration max = Duration.ofSeconds(s.trayMaxIntervalSeconds());
    if (state == null) {
      return min;
    }
    if (state.pressure() != Pressure.NORMAL) {
      return min;
    }
    double used = Math.max(state.sample().usedPercent(),
        state.projection().map(Projection::projectedPercent).orElse(0.0));
    double closeness = (used - (s.thresholdPercent() - 20)) / 20.0;
    closeness = Math.max(0, Math.min(1, closeness));
    long ms = Math.round(max.toMillis() - (max.toMillis() - min.toMillis()) * closeness);
    return Duration.ofMillis(ms);
  }

  private synchronized void schedule(Duration delay) {
    if (pending != null) {
      pending.cancel();
    }
    pending = tasks.after(delay, this::loop);
  }

  private void loop() {
    MemoryState state = null;
    try {
      state = sampleNow();
    } catch (RuntimeException e) {
      // A failed read degrades to the next attempt; it never stops sampling.
      LOG.warn("Memory sample failed: {}", e.toString());
    }
    synchronized (this) {
      if (running) {
        schedule(nextInterval(dashboardOpen, state == null ? latest : state, settings));
      }
    }
  }
}
