package dev.headroom;

import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.core.AppException;
import dev.headroom.ui.Appearance;
import dev.headroom.ui.DashboardPages;
import dev.headroom.ui.DesktopUi;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/** Builds the desktop UI over a started {@link App}: tray actions, notifications, dashboard pages. */
final class GuiWiring {
  private GuiWiring() {}

  static DesktopUi create(App app, AppPaths paths, Settings settings, String version, Path logFile,
      Optional<String> openDashboard) {
    AtomicReference<DesktopUi> ui = new AtomicReference<>();
    DesktopUi.TrayActions actions = new DesktopUi.TrayActions(
        () -> app.spot.create("requested from the tray").whenComplete((vm, err) -> ui.get().notify("Spot VM",
            err != null ? rootMessage(err) : vm.name() + " is " + vm.state() + ": " + vm.lastMessage(), err != null)),
        () -> app.spot.terminateAll("requested from the tray").whenComplete((v, err) -> ui.get().notify(
            "Spot VMs", err != null ? rootMessage(err) : "All managed VMs terminated", err != null)));
    app.onBudgetAlert((period, percent, budget) -> ui.get().notify("Budget " + percent + " %",
        "The " + period + " budget is at " + budget.percent() + " % ($" + budget.spent() + " of $" + budget.limit()
            + ")", percent >= 90));
    ui.set(new DesktopUi(app.memory, app.tasks, app.clock, () -> DashboardPages.create(app.spot, settings.gcp(),
        settings.gateway().enabled() ? Optional.of(app.gateway) : Optional.empty(), app.decisions,
        app.cost, app.tasks, app.clock, new Appearance(settings.ui().theme(), Appearance.detectOs()),
        paths.configFile(), app.db, app.tunnels::statuses), actions,
        openDashboard));
    return ui.get();
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof AppException a ? a.userMessage() : String.valueOf(c.getMessage());
  }
}
