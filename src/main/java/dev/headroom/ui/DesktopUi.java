package dev.headroom.ui;

import dev.headroom.core.Tasks;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.ui.memory.MemoryChartData;
import dev.headroom.ui.memory.MemoryView;
import dev.headroom.ui.memory.MemoryViewModel;
import java.awt.AWTError;
import java.awt.GraphicsEnvironment;
import java.awt.HeadlessException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop shell: tray icon (or, without a tray, the dashboard as an ordinary window) and the dashboard with
 * the memory page plus the pages other features contribute. {@link #run()} blocks until the user quits.
 *
 * <p>With a tray, JavaFX is started only when something needs it (the dashboard, a confirmation): an idle tray app
 * then runs no 60 Hz FX pulse and loads no scene graph.
 */
public final class DesktopUi {
  private static final Logger LOG = LoggerFactory.getLogger(DesktopUi.class);

  private final MemoryMonitor monitor;
  private final Tasks tasks;
  private final Clock clock;
  private final Supplier<List<Page>> extraPages;
  private final TrayActions trayActions;
  private final Optional<String> openAtStart;
  private final CountDownLatch quit = new CountDownLatch(1);
  private final Object fxLock = new Object();
  private boolean fxStarted;
  private volatile Optional<TrayController> tray = Optional.empty();
  private DashboardWindow dashboard;

  /** Cloud actions offered in the tray menu (run on the FX thread; they must not block it). */
  public record TrayActions(Runnable createVm, Runnable terminateAll) {}

  public DesktopUi(MemoryMonitor monitor, Tasks tasks, Clock clock, Supplier<List<Page>> extraPages,
      TrayActions trayActions, Optional<String> openAtStart) {
    this.monitor = monitor;
    this.tasks = tasks;
    this.clock = clock;
    this.extraPages = extraPages;
    this.trayActions = trayActions;
    this.openAtStart = openAtStart;
  }

  /** Installs the tray (or opens the window) and waits until Quit, or until the window closes without a tray. */
  public void run() throws InterruptedException {
    tray = TrayController.install(new TrayController.Actions(
        this::showDashboardOnFx, trayActions.createVm(), trayActions.terminateAll(), this::quit), this::onFx);
    if (tray.isPresent()) {
      TrayController t = tray.get();
      monitor.addListener(t::show);
      monitor.latest().ifPresent(t::show);
      openAtStart.ifPresent(tab -> onFx(() -> showDashboard(tab)));
    } else {
      // No tray (or a desktop without one): the dashboard is the app; closing it quits.
      LOG.info("System tray not supported here; showing the dashboard as a window.");
      onFx(() -> {
        showDashboard(openAtStart.orElse("Memory"));
        dashboard.stage().setOnCloseRequest(e -> quit());
      });
    }
    quit.await();
  }

  /** A desktop notification through the tray when there is one. */
  public void notify(String title, String message, boolean warning) {
    tray.ifPresentOrElse(t -> t.notify(title, message, warning),
        () -> LOG.info("{}: {}", title, message));
  }

  /** Runs {@code work} on the FX thread, starting JavaFX the first time. */
  public void onFx(Runnable work) {
    synchronized (fxLock) {
      if (!fxStarted) {
        fxStarted = true;
        // With a tray the app outlives its windows; without one, closing the window ends it.
        Platform.setImplicitExit(tray.isEmpty());
        try {
          Platform.startup(work);
        } catch (IllegalStateException alreadyStarted) { // Preferences opened at start for a config error
          Platform.runLater(work);
        }
        return;
      }
    }
    Platform.runLater(work);
  }

  /** Brings up the dashboard (a second launch of the app asks for this). Any thread. */
  public void showDashboard() {
    onFx(this::showDashboardOnFx);
  }

  /**
   * Why this process cannot open windows, or empty when it can: on Linux and other X11 systems, no
   * {@code DISPLAY}, or one that does not answer. Probed without starting JavaFX (which would fail with a stack
   * trace).
   */
  public static Optional<String> displayProblem(Map<String, String> env) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("mac") || os.contains("win")) {
      return Optional.empty();
    }
    String hint = " Run `headroom --headless` for the engine without a window (the CLI talks to it).";
    String display = env.getOrDefault("DISPLAY", "");
    if (display.isBlank()) {
      return Optional.of("no display found (DISPLAY is not set)." + hint);
    }
    try {
      if (GraphicsEnvironment.isHeadless()
          || GraphicsEnvironment.getLocalGraphicsEnvironment().getScreenDevices().length == 0) {
        return Optional.of("no display found (Java runs headless)." + hint);
      }
    } catch (AWTError | HeadlessException | UnsatisfiedLinkError e) {
      return Optional.of("no display found (cannot open display " + display + ")." + hint);
    }
    return Optional.empty();
  }

  private void showDashboardOnFx() {
    if (dashboard == null) {
      dashboard = new DashboardWindow(this::pages, monitor::setDashboardOpen);
    }
    dashboard.show();
  }

  private void showDashboard(String tab) {
    showDashboardOnFx();
    dashboard.show(tab);
  }

  private List<Page> pages() {
    MemoryChartData chart = new MemoryChartData(monitor.history(), monitor.settings().thresholdPercent(), clock);
    MemoryViewModel vm = new MemoryViewModel(monitor, chart, tasks, Platform::runLater);
    List<Page> pages = new ArrayList<>();
    pages.add(Page.of("Memory", () -> new MemoryView(vm).root(), vm::activate, vm::deactivate));
    pages.addAll(extraPages.get());
    return pages;
  }

  /** Removes the tray, closes the window and lets {@link #run()} return. Any thread. */
  public void quit() {
    tray.ifPresent(TrayController::remove);
    synchronized (fxLock) {
      if (fxStarted) {
        Platform.runLater(() -> {
          if (dashboard != null) {
            dashboard.hide();
          }
          Platform.exit();
        });
      }
    }
    quit.countDown();
  }
}
