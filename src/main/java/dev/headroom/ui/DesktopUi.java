package dev.headroom.ui;

import dev.headroom.core.Tasks;
import dev.headroom.desktop.LaunchAtLogin;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.MemoryState;
import dev.headroom.notify.Notification;
import dev.headroom.notify.Notifier;
import dev.headroom.ui.memory.MemoryChartData;
import dev.headroom.ui.memory.MemoryView;
import dev.headroom.ui.memory.MemoryViewModel;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop shell: tray icon (or, without a tray, the dashboard as an ordinary window), the dashboard with the
 * memory page plus the pages other features contribute, confirmations, About and Preferences. {@link #run()} blocks
 * until the user quits.
 *
 * <p>With a tray, JavaFX is started only when something needs it (the dashboard, a confirmation): an idle tray app
 * then runs no 60 Hz FX pulse and loads no scene graph.
 */
public final class DesktopUi {
  private static final Logger LOG = LoggerFactory.getLogger(DesktopUi.class);
  static final List<Integer> ICON_SIZES = List.of(16, 32, 48, 64, 128, 256);

  /** What the About dialog shows. */
  public record About(String version, Path dataDir, Path logFile, Path configFile) {}

  private final MemoryMonitor monitor;
  private final Tasks tasks;
  private final Clock clock;
  private final Supplier<List<Page>> extraPages;
  private final Function<DesktopUi, TrayViewModel> trayModel;
  private final About about;
  private final LaunchAtLogin launchAtLogin;
  private final Optional<Notifier> nativeNotifier;
  private final Optional<String> openAtStart;
  private final CountDownLatch quit = new CountDownLatch(1);
  private final Object fxLock = new Object();
  private boolean fxStarted;
  private volatile Optional<TrayController> tray = Optional.empty();
  private volatile TrayViewModel model;
  private DashboardWindow dashboard;
  private volatile java.util.function.BooleanSupplier autoCreateOn = () -> false;

  /**
   * @param trayModel builds the tray's view model; it gets this object for the commands (dashboard, confirmations)
   * @param nativeNotifier the OS's notification service, when it has one (else tray balloons)
   */
  public DesktopUi(MemoryMonitor monitor, Tasks tasks, Clock clock, Supplier<List<Page>> extraPages,
      Function<DesktopUi, TrayViewModel> trayModel, About about, LaunchAtLogin launchAtLogin,
      Optional<Notifier> nativeNotifier, Optional<String> openAtStart) {
    this.monitor = monitor;
    this.tasks = tasks;
    this.clock = clock;
    this.extraPages = extraPages;
    this.trayModel = trayModel;
    this.about = about;
    this.launchAtLogin = launchAtLogin;
    this.nativeNotifier = nativeNotifier;
    this.openAtStart = openAtStart;
  }

  /** Whether auto-create is on now (the memory chart's threshold line shows it, following Preferences). */
  public void autoCreateState(java.util.function.BooleanSupplier on) {
    this.autoCreateOn = on;
  }

  /** The tray menu's commands, bound to this UI. */
  public TrayViewModel.Commands commands() {
    return new TrayViewModel.Commands(this::showDashboardOnFx, this::showPreferences, this::showAbout, this::quit,
        this::launchesAtLogin, this::toggleLaunchAtLogin);
  }

  /** Installs the tray (or opens the window) and waits until Quit, or until the window closes without a tray. */
  public void run() throws InterruptedException {
    model = trayModel.apply(this);
    Optional<MemoryState> now = monitor.latest();
    tray = TrayController.install(model.menu(now), this::showDashboardOnFx, this::onFx);
    if (tray.isPresent()) {
      TrayController t = tray.get();
      monitor.addListener(this::refreshTray);
      now.ifPresent(this::refreshTray);
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

  /** Redraws the tray icon and menu for a reading (the menu also shows VMs and spend). Any thread. */
  public void refreshTray(MemoryState s) {
    TrayViewModel m = model;
    tray.ifPresent(t -> t.show((int) Math.round(s.sample().usedPercent()), s.pressure(), m.menu(Optional.of(s))));
  }

  /** Redraws the tray menu now (after a VM change). Any thread. */
  public void refreshTray() {
    monitor.latest().ifPresent(this::refreshTray);
  }

  /** Shows a notification: the OS's own service when there is one, else a tray balloon, else the log. */
  public void notify(Notification n) {
    if (nativeNotifier.isPresent()) {
      nativeNotifier.get().show(n);
      return;
    }
    notify(n.title(), n.body(), n.urgent());
  }

  /** A tray balloon (or a log line without a tray). Any thread. */
  public void notify(String title, String message, boolean warning) {
    tray.ifPresentOrElse(t -> t.notify(title, message, warning), () -> LOG.info("{}: {}", title, message));
  }

  /** Runs {@code work} on the FX thread, starting JavaFX the first time. */
  public void onFx(Runnable work) {
    synchronized (fxLock) {
      if (!fxStarted) {
        fxStarted = true;
        GtkIdentity.apply();
        boolean implicitExit = tray.isEmpty();
        try {
          Platform.startup(() -> {
            // With a tray the app outlives its windows; without one, closing the window ends it.
            Platform.setImplicitExit(implicitExit);
            GtkIdentity.nameFxApplication();
            work.run();
          });
          return;
        } catch (IllegalStateException alreadyRunning) {
          // JavaFX already runs (Preferences opened at start for a config error; tests): just queue the work.
        }
      }
    }
    Platform.runLater(work);
  }

  /**
   * Asks a yes/no question in a dialog and waits for the answer; call from a background thread, never the FX
   * thread. The safe answer (Cancel) is the default button.
   */
  public boolean confirm(String title, String question, String details) {
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    onFx(() -> {
      try {
        ButtonType yes = new ButtonType(title, ButtonBar.ButtonData.OK_DONE);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, details, yes, ButtonType.CANCEL);
        a.setTitle("Headroom — " + title);
        a.setHeaderText(question);
        ((javafx.scene.control.Button) a.getDialogPane().lookupButton(yes)).setDefaultButton(false);
        ((javafx.scene.control.Button) a.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        decorate((Stage) a.getDialogPane().getScene().getWindow());
        answer.complete(a.showAndWait().filter(b -> b == yes).isPresent());
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
      }
    });
    try {
      return answer.get(30, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Confirmation failed: {}", e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Brings up the dashboard (a second launch of the app asks for this). Any thread. */
  public void showDashboard() {
    onFx(this::showDashboardOnFx);
  }

  /** Whether the dashboard window is showing (tests; FX thread). */
  public boolean dashboardShowing() {
    return dashboard != null && dashboard.isShowing();
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
    return TrayController.displayUnavailable().map(why -> "no display found (" + why.replace("DISPLAY", display)
        + ")." + hint);
  }

  private void showDashboardOnFx() {
    if (dashboard == null) {
      dashboard = new DashboardWindow(this::pages, monitor::setDashboardOpen);
    }
    dashboard.show();
    Stage stage = dashboard.stage();
    decorate(stage);
    stage.setIconified(false);
    stage.toFront();
  }

  private void showDashboard(String tab) {
    showDashboardOnFx();
    dashboard.show(tab);
  }

  private void showAbout() {
    Alert a = new Alert(Alert.AlertType.INFORMATION);
    a.setTitle("About Headroom");
    a.setHeaderText("Headroom " + about.version());
    a.setContentText("Watches memory, bursts work onto Google Cloud Spot VMs, shows what it costs.\n\n"
        + "Data: " + about.dataDir() + "\n"
        + "Log file: " + about.logFile() + "\n"
        + "Settings: " + about.configFile() + "\n\n"
        + "Java " + System.getProperty("java.version") + ", JavaFX " + System.getProperty("javafx.runtime.version",
            System.getProperty("javafx.version", "?")));
    decorate((Stage) a.getDialogPane().getScene().getWindow());
    a.show();
  }

  /** The dashboard's Preferences tab (every setting, notifications included). */
  private void showPreferences() {
    showDashboard("Preferences");
  }

  private boolean launchesAtLogin() {
    try {
      return launchAtLogin.enabled();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void toggleLaunchAtLogin() {
    tasks.run(() -> {
      try {
        boolean on = launchAtLogin.toggle();
        notify("Launch at login", on ? "Headroom will start when you log in." : "Headroom will not start at login.",
            false);
      } catch (RuntimeException e) {
        notify("Launch at login", e.getMessage(), true);
      }
      refreshTray();
    });
  }

  /** Window icon on every Headroom window (docks and task switchers show it). */
  static void decorate(Stage stage) {
    if (stage == null || !stage.getIcons().isEmpty()) {
      return;
    }
    for (int size : ICON_SIZES) {
      try (InputStream in = DesktopUi.class.getResourceAsStream("/icons/headroom-" + size + ".png")) {
        if (in != null) {
          stage.getIcons().add(new Image(in));
        }
      } catch (java.io.IOException e) {
        LOG.debug("Icon {} unreadable: {}", size, e.toString());
      }
    }
  }

  private List<Page> pages() {
    MemoryChartData chart = new MemoryChartData(monitor.history(), () -> monitor.settings().thresholdPercent(),
        () -> autoCreateOn.getAsBoolean(), clock);
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
