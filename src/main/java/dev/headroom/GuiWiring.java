package dev.headroom;

import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.desktop.LaunchAtLogin;
import dev.headroom.notify.NativeNotifier;
import dev.headroom.notify.NotificationCenter;
import dev.headroom.notify.Notifier;
import dev.headroom.ui.Appearance;
import dev.headroom.ui.DashboardPages;
import dev.headroom.ui.DesktopUi;
import dev.headroom.ui.TrayViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the desktop UI over a started {@link App}: the tray's view model (confirmations, status), notifications
 * (native where the OS has a service, fed by memory, decisions, VMs and budgets), dashboard pages, About.
 */
final class GuiWiring {
  private GuiWiring() {}

  static DesktopUi create(App app, AppPaths paths, Map<String, String> env, String version,
      Optional<String> openDashboard) {
    Settings settings = app.settings;
    Optional<Path> icon = installedIcon();
    Optional<Notifier> nativeNotifier = NativeNotifier.forThisSystem(env, icon, command -> app.tasks.run(command));
    AtomicReference<NotificationCenter> notifications = new AtomicReference<>();
    // Preferences' Save: the file is read again as at start (environment overrides kept) and applied live.
    java.util.function.Consumer<Settings> applyLive = saved -> {
      Settings reloaded = new dev.headroom.config.SettingsLoader().load(paths.configFile(), env);
      app.applyLive(reloaded);
      NotificationCenter c = notifications.get();
      if (c != null) {
        c.updateSettings(reloaded.notifications());
      }
    };
    LaunchAtLogin login = LaunchAtLogin.forThisSystem(env);
    DesktopUi ui = new DesktopUi(app.memory, app.tasks, app.clock,
        () -> DashboardPages.create(app.spot, settings.gcp(),
            settings.gateway().enabled() ? Optional.of(app.gateway) : Optional.empty(), app.decisions,
            app.cost, app.tasks, app.clock, new Appearance(settings.ui().theme(), Appearance.detectOs()),
            paths.configFile(), app.db, app.tunnels::statuses, Optional.of(applyLive), Optional.of(login),
            app.prices::hourlyPrice),
        desktop -> new TrayViewModel(app.spot, app.cost::latest, app.cost::hourlyPrice, settings.gcp(), app.clock,
            app.tasks, desktop::confirm, desktop::notify, desktop.commands()),
        new DesktopUi.About(version, App.dataDir(settings, paths), Main.logFile(App.dataDir(settings, paths)),
            paths.configFile()),
        login, nativeNotifier, openDashboard);
    ui.autoCreateState(() -> app.engine.autoCreateSettings().enabled());
    AtomicReference<DesktopUi> target = new AtomicReference<>(ui);
    NotificationCenter center = new NotificationCenter(settings.notifications(), n -> target.get().notify(n),
        app.clock);
    notifications.set(center);
    app.memory.addListener(center::onMemory);
    app.decisions.addListener(center::onDecision);
    center.onVms(app.spot.vms());
    app.spot.addListener(() -> {
      center.onVms(app.spot.vms());
      ui.refreshTray();
    });
    app.onBudgetAlert(center::onBudgetCrossed);
    app.onCostSpike(spike -> center.onCostSpike(spike.message(java.time.ZoneId.systemDefault())));
    app.cost.subscribe(center::onCost);
    return ui;
  }

  /** The app icon of an installed Headroom (jpackage puts it in lib/), for native notifications. */
  private static Optional<Path> installedIcon() {
    String launcher = System.getProperty("jpackage.app-path");
    if (launcher == null) {
      return Optional.empty();
    }
    Path png = Path.of(launcher).toAbsolutePath().getParent().resolveSibling("lib").resolve("Headroom.png");
    return Files.isRegularFile(png) ? Optional.of(png) : Optional.empty();
  }
}
