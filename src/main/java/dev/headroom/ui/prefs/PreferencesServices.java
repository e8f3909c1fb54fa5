package dev.headroom.ui.prefs;

import dev.headroom.cost.VmPrice;
import dev.headroom.desktop.LaunchAtLogin;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What the Preferences page uses besides the config file: launch at login, Spot prices for the shape and zone
 * lists, the route tester, and where to run work off the FX thread.
 *
 * @param launchAtLogin the OS's login item, when the app can manage one
 * @param prices Spot $/h of a machine type in a region (the app's price service; may answer from a cache)
 * @param background runs lookups and tests (never the FX thread)
 * @param fx runs UI updates (Platform::runLater)
 */
public record PreferencesServices(Optional<LaunchAtLogin> launchAtLogin, SpotPrices prices, RouteTester routes,
    Executor background, Executor fx) {

  /** Spot $/h of a machine type in a region. */
  @FunctionalInterface
  public interface SpotPrices {
    Optional<VmPrice> spot(String machineType, String region);
  }
}
