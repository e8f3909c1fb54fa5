package dev.headroom.ui;

import dev.headroom.config.GcpSettings;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.ui.cost.CostView;
import dev.headroom.ui.cost.CostViewModel;
import dev.headroom.engine.DecisionLog;
import dev.headroom.gateway.Gateway;
import dev.headroom.spot.SpotVmService;
import dev.headroom.tunnel.TunnelStatus;
import dev.headroom.ui.engine.DecisionsView;
import dev.headroom.ui.engine.DecisionsViewModel;
import dev.headroom.ui.gateway.RoutesView;
import dev.headroom.ui.gateway.RoutesViewModel;
import dev.headroom.ui.spot.SpotView;
import dev.headroom.ui.spot.SpotViewModel;
import dev.headroom.ui.prefs.PreferencesModel;
import dev.headroom.ui.prefs.PreferencesView;
import dev.headroom.ui.prefs.PreferencesServices;
import dev.headroom.ui.prefs.RouteTester;
import dev.headroom.config.Settings;
import dev.headroom.desktop.LaunchAtLogin;
import dev.headroom.cost.CostHistory;
import dev.headroom.store.Database;
import java.time.ZoneId;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.application.Platform;

/** The dashboard pages besides Memory (Spot VMs, Costs, Routes, Decisions), built fresh each time the window opens. */
public final class DashboardPages {
  private DashboardPages() {}

  /**
   * @param gateway the running gateway, or empty when it is disabled
   * @param hourlyPrice $/h of a machine type, when known
   */
  public static List<Page> create(SpotVmService spot, GcpSettings gcp, Optional<Gateway> gateway,
      DecisionLog decisions, CostEngine cost, Tasks tasks, Clock clock, Appearance appearance, Path configFile, Database db) {
    return create(spot, gcp, gateway, decisions, cost, tasks, clock, appearance, configFile, db, List::of);
  }

  /** @param tunnels the SSH tunnels to the running VMs, shown on the Routes page */
  public static List<Page> create(SpotVmService spot, GcpSettings gcp, Optional<Gateway> gateway,
      DecisionLog decisions, CostEngine cost, Tasks tasks, Clock clock, Appearance appearance, Path configFile,
      Database db, Supplier<List<TunnelStatus>> tunnels) {
    return create(spot, gcp, gateway, decisions, cost, tasks, clock, appearance, configFile, db, tunnels,
        Optional.empty(), Optional.empty(), (type, region) -> Optional.empty());
  }

  /**
   * @param applyLive takes saved settings into the running app (thresholds, auto-create, budgets, notifications)
   * @param launchAtLogin the OS login item Preferences can turn on and off
   * @param spotPrices Spot $/h by machine type and region, for the shapes list in Preferences
   */
  public static List<Page> create(SpotVmService spot, GcpSettings gcp, Optional<Gateway> gateway,
      DecisionLog decisions, CostEngine cost, Tasks tasks, Clock clock, Appearance appearance, Path configFile,
      Database db, Supplier<List<TunnelStatus>> tunnels, Optional<java.util.function.Consumer<Settings>> applyLive,
      Optional<LaunchAtLogin> launchAtLogin, PreferencesServices.SpotPrices spotPrices) {
    appearance.apply(); // before the window's scene is built: the theme is JavaFX's user-agent stylesheet
    Function<String, Optional<BigDecimal>> hourlyPrice = cost::hourlyPrice;
    List<Page> pages = new ArrayList<>();
    SpotViewModel spotVm = new SpotViewModel(spot, hourlyPrice, tasks, Platform::runLater, clock);
    pages.add(Page.of("Spot VMs", () -> new SpotView(spotVm, SpotView.Confirmer.DIALOG, gcp.machineType(),
        String.join(", ", gcp.zones())).root(), spotVm::activate, spotVm::deactivate));
    CostViewModel costVm = new CostViewModel(cost, Platform::runLater, ZoneId.systemDefault(),
        Optional.of(new CostHistory(db, ZoneId.systemDefault())), tasks::run);
    pages.add(Page.of("Costs", () -> new CostView(costVm).root(), () -> {
      costVm.activate();
      costVm.onSnapshot(cost.latest());
    }, costVm::deactivate));
    gateway.ifPresent(g -> {
      RoutesViewModel routes = new RoutesViewModel(g, tasks, Platform::runLater, spot::vms, gcp.backendPort(),
          tunnels);
      pages.add(Page.of("Routes", () -> new RoutesView(routes).root(), routes::activate, routes::deactivate));
    });
    DecisionsViewModel log = new DecisionsViewModel(decisions, Platform::runLater);
    pages.add(Page.of("Decisions", () -> new DecisionsView(log, clock).root(), log::activate, log::deactivate));
    // Read from the file each time the tab opens, so it shows what is saved; the theme applies at once.
    PreferencesServices prefs = new PreferencesServices(launchAtLogin, spotPrices, new RouteTester(tasks::run),
        tasks::run, Platform::runLater);
    pages.add(Page.of("Preferences", () -> new PreferencesView(PreferencesModel.open(configFile,
        Map.of("ui.theme", appearance::setTheme), applyLive), Optional.of(prefs)).root(), () -> { }, () -> { }));
    return pages;
  }
}
