package dev.headroom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.AppException;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemorySource;
import dev.headroom.memory.ProcMemorySource;
import dev.headroom.spot.SpotCommands;
import dev.headroom.memory.Pressure;
import dev.headroom.ui.Appearance;
import dev.headroom.ui.DashboardPages;
import dev.headroom.ui.GtkEnvironment;
import dev.headroom.ui.prefs.PreferencesWindow;
import dev.headroom.ui.DesktopUi;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Entry point. With no arguments: the desktop app (tray + dashboard). {@code --headless}: the engine without UI.
 * CLI verbs: {@code status [--json]}, {@code vm create|list|show|terminate} (see {@link SpotCommands} for what each
 * waits for and its exit codes), {@code cost}.
 */
public final class Main {
  static final String USAGE = String.join("\n",
      "Usage: headroom [--dashboard [TAB]]  start the desktop app (tray icon; --dashboard opens the window on TAB)",
      "       headroom --headless           run the engine without a UI (Ctrl-C to stop)",
      "       headroom status [--json]      print current memory and pressure",
      "       headroom vm create [--timeout 5m]  create a Spot VM and wait until it runs",
      "       headroom vm list [--json]     managed VMs, live state polled (read-only)",
      "       headroom vm show NAME [--json]  one VM and its timeline",
      "       headroom vm terminate NAME|--all",
      "       headroom cost [--json]        print today's and this month's spend",
      "       headroom price vm TYPE [--region R] [--json] | price llm MODEL [--input N ...] [--json]",
      "Config: $HEADROOM_CONFIG or the per-OS config.json; env overrides HEADROOM_<SECTION>_<FIELD>.");

  private Main() {}

  public static void main(String[] args) {
    Logging.keepOpenAtExit();
    // Exit explicitly: after Quit, AWT's event thread (tray) would otherwise keep the JVM alive.
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  private static boolean isLongRunning(String verb) {
    return verb.equals("--headless") || verb.equals("--dashboard");
  }

  /** Runs one invocation; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    String verb = args.length == 0 ? "gui" : args[0];
    AppPaths paths = AppPaths.standard(env);
    configureLogging(verb, paths);
    try {
      switch (verb) {
        case "-h", "--help", "help" -> {
          out.println(USAGE);
          return 0;
        }
        case "status" -> {
          Settings settings = new SettingsLoader().load(paths.configFile(), env);
          return status(settings, ProcMemorySource.forThisMachine(), Clock.systemUTC(), List.of(args).contains("--json"), out);
        }
        case "gui" -> {
          return gui(paths, env, Optional.empty());
        }
        case "--dashboard" -> {
          return gui(paths, env, Optional.of(args.length > 1 ? args[1] : "Memory"));
        }
        case "--headless" -> {
          return headless(paths, env);
        }
        case "cost" -> {
          Settings settings = new SettingsLoader().load(paths.configFile(), env);
          try (App app = newApp(settings, paths)) {
            var snap = app.cost.tick();
            if (List.of(args).contains("--json")) {
              out.println(dev.headroom.cost.CostHttp.json(snap));
            } else {
              out.printf("Today $%s (LLM $%s, GCP $%s est.), month to date $%s, forecast $%s, burn $%s/h%n",
                  snap.totalToday().toPlainString(), snap.llmToday().toPlainString(), snap.gcpToday().toPlainString(),
                  snap.totalMonth().toPlainString(), snap.monthForecast().toPlainString(),
                  snap.burnRatePerHour().toPlainString());
              out.printf("Budgets: daily %s %% of $%s (%s), monthly %s %% of $%s (%s)%n", snap.daily().percent(),
                  snap.daily().limit(), snap.daily().level(), snap.monthly().percent(), snap.monthly().limit(),
                  snap.monthly().level());
              snap.models().forEach(m -> out.printf("  %-10s %-28s %6d calls  $%s%s%n", m.provider(), m.model(),
                  m.calls(), m.cost().toPlainString(), m.unpriced() > 0 ? "  (" + m.unpriced() + " unpriced)" : ""));
            }
            return 0;
          }
        }
        case "price" -> {
          Settings settings = new SettingsLoader().load(paths.configFile(), env);
          return App.priceCommands(settings).run(List.of(args).subList(1, args.length), out, err);
        }
        case "vm" -> {
          Settings settings = new SettingsLoader().load(paths.configFile(), env);
          try (App app = newApp(settings, paths)) {
            return new SpotCommands(app.spot, app.clock, java.time.Duration.ofMinutes(15))
                .run(List.of(args).subList(1, args.length), out, err);
          }
        }
        default -> {
          err.println("headroom: unknown command '" + verb + "'\n" + USAGE);
          return 64;
        }
      }
    } catch (AppException e) {
      err.println("headroom: " + e.userMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  static int status(Settings settings, MemorySource source, Clock clock, boolean json, PrintStream out) {
    MemorySample s = source.sample(clock.instant());
    Pressure p = Pressure.classify(s.usedPercent(), 0, settings.memory());
    if (json) {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode o = mapper.createObjectNode();
      o.put("time", s.time().toString());
      o.put("totalBytes", s.totalBytes());
      o.put("usedBytes", s.usedBytes());
      o.put("availableBytes", s.availableBytes());
      o.put("usedPercent", Math.round(s.usedPercent() * 100) / 100.0);
      o.put("swapTotalBytes", s.swapTotalBytes());
      o.put("swapUsedBytes", s.swapUsedBytes());
      o.put("pressure", p.name());
      o.put("thresholdPercent", settings.memory().thresholdPercent());
      try {
        out.println(mapper.writeValueAsString(o));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new AppException("Cannot format status as JSON", e);
      }
    } else {
      out.printf("Memory: %.1f %% used (%d of %d MiB, %d MiB available), swap %d of %d MiB, pressure %s%n",
          s.usedPercent(), s.usedBytes() >> 20, s.totalBytes() >> 20, s.availableBytes() >> 20,
          s.swapUsedBytes() >> 20, s.swapTotalBytes() >> 20, p);
    }
    return 0;
  }

  private static int gui(AppPaths paths, Map<String, String> env, Optional<String> openAtStart)
      throws InterruptedException {
    GtkEnvironment.beforeToolkit(env);
    Settings loaded;
    try {
      loaded = new SettingsLoader().load(paths.configFile(), env);
    } catch (AppException e) {
      // A desktop launch has no terminal: open Preferences on the bad field instead of exiting silently.
      loaded = PreferencesWindow.repair(paths.configFile(), e, f -> new SettingsLoader().load(f, env))
          .orElseThrow(() -> e);
    }
    Settings settings = loaded;
    boolean firstRun = !settings.gcp().configured() && !java.nio.file.Files.exists(paths.configFile());
    Optional<String> openDashboard = firstRun && openAtStart.isEmpty() ? Optional.of("Preferences") : openAtStart;
    // JavaFX unpacks its native libraries on first start; keep them in our data dir, not ~/.openjfx.
    if (System.getProperty("javafx.cachedir") == null) {
      System.setProperty("javafx.cachedir", paths.dataDir().resolve("openjfx").toString());
    }
    Logging.toFile(App.dataDir(settings, paths));
    App app = newApp(settings, paths);
    Thread hook = installShutdownHook(app);
    try {
      app.start();
      AtomicReference<DesktopUi> ui = new AtomicReference<>();
      DesktopUi.TrayActions actions = new DesktopUi.TrayActions(
          () -> app.spot.create("requested from the tray").whenComplete((vm, err) -> ui.get().notify("Spot VM",
              err != null ? rootMessage(err) : vm.name() + " is " + vm.state() + ": " + vm.lastMessage(), err != null)),
          () -> app.spot.terminateAll("requested from the tray").whenComplete((v, err) -> ui.get().notify(
              "Spot VMs", err != null ? rootMessage(err) : "All managed VMs terminated", err != null)));
      app.onBudgetAlert((period, percent, budget) -> ui.get().notify("Budget " + percent + " %",
          "The " + period + " budget is at " + budget.percent() + " % ($" + budget.spent() + " of $" + budget.limit()
              + ")", percent >= 90));
      Appearance look = new Appearance(settings.ui().theme(), Appearance.detectOs());
      ui.set(new DesktopUi(app.memory, app.tasks, app.clock, () -> DashboardPages.create(app.spot, settings.gcp(),
          settings.gateway().enabled() ? Optional.of(app.gateway) : Optional.empty(), app.decisions,
          app.cost, app.tasks, app.clock, look, paths.configFile(), app.db, app.tunnels::statuses), actions,
          openDashboard));
      ui.get().run();
    } finally {
      app.close(); // Quit: the same path as SIGTERM
      removeShutdownHook(hook);
      Logging.closeFile();
    }
    return 0;
  }

  private static int headless(AppPaths paths, Map<String, String> env) {
    Settings settings = new SettingsLoader().load(paths.configFile(), env);
    Logging.toFile(App.dataDir(settings, paths));
    App app = newApp(settings, paths);
    Thread hook = installShutdownHook(app);
    try {
      app.start();
      System.err.println("Headroom running headless; gateway on " + app.gateway.address()
          + (settings.gateway().enabled() ? "" : " (routing off)") + "; Ctrl-C to stop.");
      while (!app.awaitClosed(java.time.Duration.ofDays(1))) {
        // runs until SIGTERM/Ctrl-C closes the app through the hook
      }
    } finally {
      app.close();
      removeShutdownHook(hook);
      Logging.closeFile();
    }
    return 0;
  }

  static App newApp(Settings settings, AppPaths paths) {
    return new App(settings, paths, Clock.systemDefaultZone(), ProcMemorySource.forThisMachine(), App.gce(settings),
        App.catalog(settings));
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof AppException a ? a.userMessage() : String.valueOf(c.getMessage());
  }

  // Before anything logs: console now, the rotating file once the data dir is known (long-running modes).
  private static void configureLogging(String verb, AppPaths paths) {
    Logging.configure(verb.equals("gui") || isLongRunning(verb));
  }

  /**
   * SIGTERM, Ctrl-C and logout run the same {@link App#close} as Quit (GUI and headless alike); the hook waits for
   * it so the store is flushed before the JVM halts.
   */
  static Thread installShutdownHook(App app) {
    Thread hook = new Thread(app::close, "headroom-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  private static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook is running or has run
    }
  }
}
