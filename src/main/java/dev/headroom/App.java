package dev.headroom;

import dev.headroom.billing.BigQueryBillingExport;
import dev.headroom.billing.BilledSummary;
import dev.headroom.billing.BillingService;
import dev.headroom.billing.BillingStore;
import dev.headroom.billing.CloudBudgets;
import dev.headroom.billing.RecommenderIdleVms;
import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.LogSafe;
import dev.headroom.core.Tasks;
import dev.headroom.cost.BudgetAlerts;
import dev.headroom.cost.CloudCatalogPrices;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.CostHttp;
import dev.headroom.cost.GceMachineTypes;
import dev.headroom.cost.MachineShape;
import dev.headroom.cost.MachineTypes;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceBookUpdater;
import dev.headroom.cost.PriceCatalog;
import dev.headroom.cost.PriceService;
import dev.headroom.cost.SeriesRates;
import dev.headroom.cost.UsageLogTailer;
import dev.headroom.cost.VmRuntime;
import dev.headroom.spot.VmState;
import dev.headroom.engine.DecisionLog;
import dev.headroom.engine.Engine;
import dev.headroom.engine.GatewayTraffic;
import dev.headroom.engine.Spend;
import dev.headroom.engine.SpotFleet;
import dev.headroom.gateway.Gateway;
import dev.headroom.memory.MemoryHistory;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.MemorySource;
import dev.headroom.memory.MemoryStore;
import dev.headroom.memory.Pressure;
import dev.headroom.spot.Compute;
import dev.headroom.spot.GceCompute;
import dev.headroom.spot.SpotStore;
import dev.headroom.spot.SpotVmService;
import dev.headroom.store.Database;
import dev.headroom.tunnel.TunnelManager;
import dev.headroom.tunnel.VmKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every service from the settings, starts them and stops them in reverse order.
 * Used by the GUI, {@code --headless} and the CLI verbs.
 */
final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);
  static final Duration VM_POLL = Duration.ofSeconds(15);
  /** Creates, deletes and the VM poll in parallel; more calls wait their turn, the tick pool never does. */
  static final int CLOUD_THREADS = 4;

  final Settings settings;
  final AppPaths paths;
  final Clock clock;
  final Tasks tasks;
  /** Compute Engine calls (minutes at worst) run here, never on {@link #tasks}, the tick pool. */
  final Tasks cloud;
  final Database db;
  final MemoryMonitor memory;
  final SpotVmService spot;
  final TunnelManager tunnels;
  private final Tasks tunnelTasks;
  final SpotFleet fleet;
  final Gateway gateway;
  final DecisionLog decisions;
  final Engine engine;
  final PriceService prices;
  final CostEngine cost;
  final BillingService billing;
  private final Tasks billingTasks;
  private volatile java.util.function.Consumer<BilledSummary.Spike> spikeListener = spike -> { };
  private final Optional<UsageLogTailer> tailer;
  private final Optional<PriceCatalog> catalog;
  private final MachineTypes shapes;
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
  private volatile BudgetAlerts budgetListener = (period, percent, budget) -> { };
  private Tasks.Handle tailing;
  private volatile boolean started;

  final String sessionId = "s-" + UUID.randomUUID().toString().substring(0, 8);

  App(Settings settings, AppPaths paths, Clock clock, MemorySource source, Supplier<Compute> compute,
      Optional<PriceCatalog> catalog) {
    this.settings = settings;
    this.paths = paths;
    this.clock = clock;
    MachineShape.require(settings.gcp().machineType()); // a type GCP does not sell: config error naming the field
    this.catalog = catalog;
    this.db = Database.open(dataDir(settings, paths)); // first: a refused database leaves nothing to stop
    // Everything opened below is pushed here, so a failure partway through closes what exists, newest first.
    Deque<Opened> opened = new ArrayDeque<>();
    opened.push(new Opened("database", db::close));
    opened.push(new Opened("price catalog client", () -> catalog.ifPresent(PriceCatalog::close)));
    try {
    this.tasks = ExecutorTasks.create("headroom", 4);
    opened.push(new Opened("background tasks", tasks::close));
    this.cloud = ExecutorTasks.create("headroom-cloud", CLOUD_THREADS);
    opened.push(new Opened("cloud call executor", cloud::close));
    MemoryHistory history = new MemoryHistory(new MemoryStore(db));
    history.restore(clock.instant());
    LOG.info("Restored {} s of fine and {} min of coarse memory history", history.secondCount(),
        history.minuteCount());
    this.memory = new MemoryMonitor(source, settings.memory(), history, clock, tasks);
    this.spot = new SpotVmService(compute, settings.gcp(), new SpotStore(db), clock, cloud, sessionId);
    opened.push(new Opened("spot VM service", spot::close));
    // The private path to the VMs: SSH tunnels with pinned host keys, on their own pool (connects block seconds).
    this.tunnelTasks = ExecutorTasks.create("tunnel", 2);
    opened.push(new Opened("tunnel executor", tunnelTasks::close));
    this.tunnels = new TunnelManager(spot, VmKeys.inDirectory(dataDir(settings, paths).resolve("vm-keys")),
        settings.gcp().sshPort(), settings.gcp().backendPort(), tunnelTasks, clock, TunnelManager.Timing.DEFAULT);
    opened.push(new Opened("SSH tunnels", tunnels::close));
    spot.setVmMetadata(tunnels::metadataFor);
    this.fleet = new SpotFleet(spot, tunnels);
    this.shapes = settings.gcp().configured() ? GceMachineTypes.connect(settings.gcp(), clock, tasks)
        : MachineTypes.BUNDLED; // live machineTypes.get in the background, the bundled table meanwhile
    opened.push(new Opened("machine types client", () -> closeIfCloseable(shapes)));
    this.prices = new PriceService(catalog, db, clock, tasks, shapes, settings.gcp().diskSizeGb(),
        settings.gcp().diskType());
    String bookPath = settings.cost().priceBookPath();
    PriceBook book = PriceBook.load(bookPath.isBlank() ? Optional.empty() : Optional.of(Path.of(bookPath)));
    if (!settings.cost().priceBookUrl().isBlank()) { // opt-in daily refresh, cached in the data dir
      PriceBookUpdater updater = PriceBookUpdater.create(settings.cost().priceBookUrl(), book,
          dataDir(settings, paths).resolve("llm-prices-download.json"), clock);
      updater.loadCached();
      updater.start(tasks);
    }
    this.cost = new CostEngine(db, book,
        prices, settings.gcp().region(), settings.cost(), this::vmRuntimes, clock, ZoneId.systemDefault(), tasks,
        (period, percent, budget) -> budgetListener.crossed(period, percent, budget));
    opened.push(new Opened("cost engine and usage writer", cost::close));
    // The real GCP bill (issue 13): its own executor, so BigQuery jobs never hold up the tick or the UI.
    this.billingTasks = ExecutorTasks.create("billing", 4);
    opened.push(new Opened("billing executor", billingTasks::close));
    this.billing = new BillingService(settings.gcp(), settings.cost(), new BillingStore(db),
        () -> BigQueryBillingExport.connect(settings.gcp(), Duration.ofSeconds(30)),
        () -> CloudBudgets.connect(settings.gcp(), BillingService.CLIENT_TIMEOUT),
        () -> RecommenderIdleVms.connect(settings.gcp(), BillingService.CLIENT_TIMEOUT,
            name -> spot.vm(name).isPresent()),
        clock, billingTasks, spike -> spikeListener.accept(spike));
    opened.push(new Opened("GCP billing reader", billing::close));
    cost.useBilling(billing);
    this.gateway = new Gateway(settings.gateway(), fleet::backend,
        () -> memory.latest().map(s -> s.pressure().atLeast(Pressure.HIGH)).orElse(false), cost, clock, tasks);
    opened.push(new Opened("gateway", gateway::close));
    CostHttp http = new CostHttp(cost, clock);
    gateway.mount("/usage", http.usageHandler());
    gateway.healthCheck("usageStore", () -> cost.storeHealth().ok() ? Optional.empty()
        : Optional.of("usage writes failing since " + cost.storeHealth().failedAt().map(Object::toString).orElse("?")
            + ": " + cost.storeHealth().lastError().orElse("unknown error")));
    gateway.mountStream("/cost/stream", http.streamHandler());
    String log = settings.cost().usageLogPath();
    this.tailer = log.isBlank() ? Optional.empty() : Optional.of(new UsageLogTailer(Path.of(log), cost, clock));
    Spend spend = new Spend() {
      @Override
      public Optional<BigDecimal> hourlyPrice() {
        return cost.hourlyPrice(settings.gcp().machineType());
      }

      @Override
      public Optional<BigDecimal> dailyBudgetLeft() {
        return cost.dailyBudgetLeft();
      }
    };
    this.decisions = new DecisionLog(db);
    this.engine = new Engine(settings.memory(), settings.autoCreate(), fleet, spend, new GatewayTraffic(gateway),
        decisions, clock, tasks);
    } catch (RuntimeException | Error e) {
      // A half-built app must not keep the database locked or its threads alive: close what exists, newest first,
      // each step bounded and run even when an earlier one fails; the first error is the one reported.
      LOG.error("Headroom could not start: {}; closing the {} part(s) already opened", LogSafe.clean(e),
          opened.size());
      try (ShutdownSteps steps = new ShutdownSteps()) {
        while (!opened.isEmpty()) {
          Opened o = opened.pop();
          steps.run(o.name(), Duration.ofSeconds(10), o.close());
        }
      }
      throw e;
    }
  }

  /** Something the constructor opened, and how to close it if a later step fails. */
  private record Opened(String name, Runnable close) {}

  private static void closeIfCloseable(Object o) {
    if (o instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Where the store (and the running instance's {@code instance.json}) live: storage.dataDir, else the OS default. */
  static Path dataDir(Settings settings, AppPaths paths) {
    return settings.storage().dataDir().isBlank() ? paths.dataDir() : Path.of(settings.storage().dataDir());
  }

  /** The real Compute Engine client, created on first use. */
  static Supplier<Compute> gce(Settings settings) {
    return () -> GceCompute.connect(settings.gcp(), GceCompute.Polling.DEFAULT);
  }

  /** The {@code price} verbs: bundled data, plus the live catalog when GCP is configured. No database. */
  static dev.headroom.cost.PriceCommands priceCommands(Settings settings) {
    String book = settings.cost().priceBookPath();
    Optional<java.util.function.Supplier<PriceCatalog>> live = settings.gcp().configured()
        ? Optional.of(() -> CloudCatalogPrices.connect(settings.gcp(), Duration.ofSeconds(20))) : Optional.empty();
    return new dev.headroom.cost.PriceCommands(dev.headroom.cost.RateTable.bundled(),
        PriceBook.load(book.isBlank() ? Optional.empty() : Optional.of(Path.of(book))), live, settings.gcp().region(),
        Clock.systemUTC());
  }

  /** The Cloud Billing Catalog, connected on first use (off the UI thread); empty when GCP is not configured. */
  static Optional<PriceCatalog> catalog(Settings settings) {
    if (!settings.gcp().configured()) {
      return Optional.empty();
    }
    return Optional.of(new PriceCatalog() {
      private CloudCatalogPrices client;

      @Override
      public synchronized Map<String, SeriesRates> rates(String region) {
        if (client == null) {
          client = CloudCatalogPrices.connect(settings.gcp(), Duration.ofSeconds(20));
        }
        return client.rates(region);
      }

      @Override
      public synchronized void close() {
        if (client != null) {
          client.close();
        }
      }
    });
  }

  /**
   * Applies the settings Preferences can change without a restart: memory thresholds and sampling, auto-create and
   * its guards, budgets. (Notifications and the theme are applied by the UI wiring.) Everything else is read once
   * at start.
   */
  void applyLive(Settings s) {
    memory.updateSettings(s.memory());
    engine.updateSettings(s.memory(), s.autoCreate());
    cost.updateBudgets(s.cost().dailyBudgetUsd(), s.cost().monthlyBudgetUsd());
    LOG.info("Settings applied live: threshold {} %, auto-create {}, budgets ${}/day ${}/month",
        s.memory().thresholdPercent(), s.autoCreate().enabled() ? "on" : "off", s.cost().dailyBudgetUsd(),
        s.cost().monthlyBudgetUsd());
  }

  /** Where cost-spike alerts from the billing export go (the tray in the GUI). */
  void onCostSpike(java.util.function.Consumer<BilledSummary.Spike> listener) {
    this.spikeListener = listener;
  }

  /** Where budget alerts go (the tray in the GUI). */
  void onBudgetAlert(BudgetAlerts listener) {
    this.budgetListener = listener;
  }

  private List<VmRuntime> vmRuntimes() {
    return spot.vms().stream().filter(v -> v.runningSince().isPresent())
        .map(v -> new VmRuntime(v.name(), v.machineType().equals("unknown") ? settings.gcp().machineType()
            : v.machineType(), v.runningSince().get(), v.state() == VmState.RUNNING || v.state() == VmState.TERMINATING
            ? Optional.empty() : Optional.of(v.endedAt().orElse(clock.instant()))))
        .toList();
  }

  void start() {
    started = true;
    memory.start();
    spot.start(VM_POLL);
    tunnels.start();
    cost.start();
    billing.start();
    tailer.ifPresent(t -> tailing = tasks.every(CostEngine.TICK, t::poll));
    gateway.start(); // the loopback server runs even with routing off (gateway.enabled=false)
    engine.start(memory);
  }

  /**
   * Stops everything in the reverse order of {@link #start}, then the clients, the executor and the database; each
   * step bounded and run even when an earlier one failed. Quit, SIGTERM/logout and the end of a CLI verb all come
   * here; a second caller waits for the first to finish.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitClosed(Duration.ofSeconds(60));
      return;
    }
    try (ShutdownSteps steps = new ShutdownSteps()) {
      steps.run("auto-create engine", Duration.ofSeconds(5), engine::stop);
      // Only the running app quits: a CLI verb (vm create) closing its App must not delete what it just created.
      if (started && engine.autoCreateSettings().terminateOnQuit()) {
        steps.run("terminate VMs on quit", Duration.ofMinutes(3).plusSeconds(5), () -> {
          if (spot.activeOrPending() > 0) {
            LOG.info("Terminating managed VMs on quit (autoCreate.terminateOnQuit)");
            try {
              spot.terminateAll("Headroom quit").get(3, TimeUnit.MINUTES);
            } catch (Exception e) {
              throw new IllegalStateException("Terminating VMs on quit failed: " + e, e);
            }
          }
        });
      }
      steps.run("gateway", Duration.ofSeconds(5), gateway::close);
      steps.run("usage log tailer", Duration.ofSeconds(2), () -> {
        if (tailing != null) {
          tailing.cancel();
        }
      });
      steps.run("cost engine and usage writer", Duration.ofSeconds(10), cost::close);
      steps.run("GCP billing reader", Duration.ofSeconds(5), billing::close);
      steps.run("billing executor", Duration.ofSeconds(5), billingTasks::close);
      steps.run("SSH tunnels", Duration.ofSeconds(5), tunnels::close);
      steps.run("tunnel executor", Duration.ofSeconds(5), tunnelTasks::close);
      steps.run("spot VM service", Duration.ofSeconds(5), spot::close);
      steps.run("cloud call executor", Duration.ofSeconds(5), cloud::close);
      steps.run("memory monitor", Duration.ofSeconds(5), memory::stop);
      steps.run("price catalog client", Duration.ofSeconds(5), () -> catalog.ifPresent(PriceCatalog::close));
      steps.run("machine types client", Duration.ofSeconds(5), () -> closeIfCloseable(shapes));
      steps.run("background tasks", Duration.ofSeconds(5), tasks::close);
      steps.run("database", Duration.ofSeconds(15), db::close);
      LOG.info("Headroom stopped{}", steps.failures() == 0 ? "" : " (" + steps.failures() + " step(s) failed)");
    } finally {
      closed.countDown();
    }
  }

  /** Waits until {@link #close} has finished (bounded); true when it has. */
  boolean awaitClosed(Duration bound) {
    try {
      return closed.await(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
