package dev.headroom;

import dev.headroom.cli.CliServices;
import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.cost.PriceCommands;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ProcMemorySource;
import dev.headroom.spot.SpotVmService;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link CliServices} over an {@link App}: either the running app's live services (verbs forwarded over the control
 * API read its latest memory reading and cost snapshot) or a one-shot set the CLI opens itself when no instance
 * runs (the store is opened only by verbs that need it, and closed with this object).
 */
final class AppServices implements CliServices, AutoCloseable {
  private final Settings settings;
  private final Clock clock;
  private final boolean live;
  private final Supplier<App> opener;
  private App app;

  private AppServices(Settings settings, Clock clock, boolean live, Supplier<App> opener) {
    this.settings = settings;
    this.clock = clock;
    this.live = live;
    this.opener = opener;
  }

  /** The running app's services (not closed by this object). */
  static AppServices live(App app) {
    return new AppServices(app.settings, app.clock, true, () -> app);
  }

  /** Services of a CLI run with no instance running: the store opens on first use. */
  static AppServices oneShot(Settings settings, AppPaths paths) {
    return oneShot(settings, paths, Clock.systemDefaultZone());
  }

  /** As {@link #oneShot(Settings, AppPaths)} on {@code clock}. */
  static AppServices oneShot(Settings settings, AppPaths paths, Clock clock) {
    return new AppServices(settings, clock, false, () -> Main.newApp(settings, paths, clock));
  }

  private synchronized App app() {
    if (app == null) {
      app = opener.get();
    }
    return app;
  }

  @Override
  public Settings settings() {
    return settings;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public MemoryState memory() {
    if (live) {
      App a = app();
      return a.memory.latest().orElseGet(a.memory::sampleNow);
    }
    MemorySample s = ProcMemorySource.forThisMachine().sample(clock.instant());
    return new MemoryState(s, Pressure.classify(s.usedPercent(), 0, settings.memory()), Optional.empty(), 0);
  }

  @Override
  public CostSnapshot cost() {
    if (!live) {
      app().billing.refreshIfDue(); // the export only when its cache is older than gcp.billingRefreshMinutes
    }
    return live ? app().cost.latest() : app().cost.tick();
  }

  @Override
  public PriceCommands prices() {
    return App.priceCommands(settings);
  }

  @Override
  public SpotVmService spot() {
    return app().spot;
  }

  @Override
  public synchronized void close() {
    if (!live && app != null) {
      app.close();
    }
  }
}
