package dev.headroom;

import dev.headroom.cli.Cli;
import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.control.ControlClient;
import dev.headroom.control.ControlServer;
import dev.headroom.control.InstanceFile;
import dev.headroom.core.AppException;
import dev.headroom.memory.ProcMemorySource;
import dev.headroom.ui.GtkEnvironment;
import dev.headroom.ui.DesktopUi;
import dev.headroom.ui.prefs.PreferencesWindow;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Entry point, a thin dispatcher. With no arguments: the desktop app (tray + dashboard). {@code --headless}: the
 * engine without UI. {@code --version}, {@code --help}. The CLI verbs ({@link Cli}; the {@code vm} verbs are
 * {@link dev.headroom.spot.SpotCommands}) go to the running instance over its control API when there is one, and
 * run here against the store only when none runs.
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
      "       headroom --version            print the version",
      "With Headroom running, the verbs ask it (over its loopback control API); otherwise they open the store.",
      "Config: $HEADROOM_CONFIG or the per-OS config.json; env overrides HEADROOM_<SECTION>_<FIELD>.");
  /** Exit code of a second headless start while one runs. */
  static final int ALREADY_RUNNING = 1;

  private Main() {}

  public static void main(String[] args) {
    Logging.keepOpenAtExit();
    // Exit explicitly: after Quit, AWT's event thread (tray) would otherwise keep the JVM alive.
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /** Runs one invocation; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    return run(args, out, err, env, Clock.systemDefaultZone());
  }

  /** {@link #run(String[], PrintStream, PrintStream, Map)} on {@code clock} (tests pin the billing month). */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    String verb = args.length == 0 ? "gui" : args[0];
    AppPaths paths = AppPaths.standard(env);
    configureLogging(verb, paths);
    try {
      switch (verb) {
        case "-h", "--help", "help" -> {
          out.println(USAGE);
          return 0;
        }
        case "-V", "--version", "version" -> {
          out.println("Headroom " + Version.current());
          return 0;
        }
        case "gui" -> {
          return gui(paths, env, Optional.empty(), err);
        }
        case "--dashboard" -> {
          return gui(paths, env, Optional.of(args.length > 1 ? args[1] : "Memory"), err);
        }
        case "--headless" -> {
          return headless(paths, env, err);
        }
        default -> {
          if (!Cli.isVerb(verb)) {
            err.println("headroom: unknown command '" + verb + "'\n" + USAGE);
            return Cli.USAGE;
          }
          return cli(List.of(args), paths, env, out, err, clock);
        }
      }
    } catch (AppException e) {
      err.println("headroom: " + e.userMessage());
      return Cli.PROBLEM;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  /** A CLI verb: forwarded to the running instance when one answers, else run here. */
  static int cli(List<String> args, AppPaths paths, Map<String, String> env, PrintStream out, PrintStream err) {
    return cli(args, paths, env, out, err, Clock.systemDefaultZone());
  }

  static int cli(List<String> args, AppPaths paths, Map<String, String> env, PrintStream out, PrintStream err,
      Clock clock) {
    Settings settings = new SettingsLoader().load(paths.configFile(), env);
    Optional<ControlClient> running = ControlClient.forDataDir(App.dataDir(settings, paths));
    if (running.isPresent()) {
      OptionalInt code = running.get().run(args, out, err);
      if (code.isPresent()) {
        return code.getAsInt();
      }
    }
    try (AppServices services = AppServices.oneShot(settings, paths, clock)) {
      return Cli.run(args, services, out, err);
    }
  }

  private static int gui(AppPaths paths, Map<String, String> env, Optional<String> openAtStart, PrintStream err)
      throws InterruptedException {
    GtkEnvironment.beforeToolkit(env);
    Settings loaded;
    try {
      loaded = new SettingsLoader().load(paths.configFile(), env);
    } catch (AppException e) {
      if (DesktopUi.displayProblem(env).isPresent()) {
        throw e; // no window to repair it in: the one-line message
      }
      // A desktop launch has no terminal: open Preferences on the bad field instead of exiting silently.
      loaded = PreferencesWindow.repair(paths.configFile(), e, f -> new SettingsLoader().load(f, env))
          .orElseThrow(() -> e);
    }
    Settings settings = loaded;
    boolean firstRun = !settings.gcp().configured() && !Files.exists(paths.configFile());
    Optional<String> openDashboard = firstRun && openAtStart.isEmpty() ? Optional.of("Preferences") : openAtStart;
    Path dataDir = App.dataDir(settings, paths);
    Optional<ControlClient> running = ControlClient.forDataDir(dataDir);
    if (running.isPresent()) {
      long pid = running.get().instance().pid();
      switch (running.get().show()) {
        case SHOWN -> {
          err.println("Headroom is already running (pid " + pid + "); showing its dashboard.");
          return 0;
        }
        case HEADLESS -> {
          err.println("headroom: Headroom is already running headless (pid " + pid
              + "); it has no dashboard. Use `headroom status`, or stop it and start the app again.");
          return ALREADY_RUNNING;
        }
        default -> { } // the file is stale: start normally
      }
    }
    Optional<String> noDisplay = DesktopUi.displayProblem(env);
    if (noDisplay.isPresent()) {
      err.println("headroom: " + noDisplay.get());
      return Cli.PROBLEM;
    }
    // JavaFX unpacks its native libraries on first start; keep them in our data dir, not ~/.openjfx.
    if (System.getProperty("javafx.cachedir") == null) {
      System.setProperty("javafx.cachedir", paths.dataDir().resolve("openjfx").toString());
    }
    Logging.toFile(dataDir);
    Shutdown shutdown = new Shutdown(Shutdown.BOUND);
    try (App app = newApp(settings, paths); ControlServer control = control(app, dataDir, Optional.empty())) {
      app.start();
      publish(app, control);
      DesktopUi ui = GuiWiring.create(app, paths, env, Version.current(), openDashboard);
      control.onShowDashboard(ui::showDashboard);
      shutdown.onRequest(ui::quit);
      shutdown.installSignalHandlers();
      ui.run();
      shutdown.request("Quit");
    } finally {
      shutdown.finished();
      Logging.closeFile();
    }
    return 0;
  }

  private static int headless(AppPaths paths, Map<String, String> env, PrintStream err)
      throws InterruptedException {
    Settings settings = new SettingsLoader().load(paths.configFile(), env);
    Path dataDir = App.dataDir(settings, paths);
    Optional<InstanceFile> running = InstanceFile.read(dataDir);
    if (running.isPresent()) {
      err.println("headroom: Headroom is already running (pid " + running.get().pid() + ", control API on 127.0.0.1:"
          + running.get().port() + "); not starting another.");
      return ALREADY_RUNNING;
    }
    Logging.toFile(dataDir);
    Shutdown shutdown = new Shutdown(Shutdown.BOUND);
    shutdown.installSignalHandlers();
    try (App app = newApp(settings, paths); ControlServer control = control(app, dataDir, Optional.empty())) {
      app.start();
      int port = publish(app, control);
      err.println("Headroom running headless; gateway on " + app.gateway.address()
          + (settings.gateway().enabled() ? "" : " (routing off)") + "; control API on port " + port
          + " (token in " + InstanceFile.path(dataDir) + "); version " + Version.current() + "; Ctrl-C to stop.");
      shutdown.await();
    } finally {
      shutdown.finished();
      Logging.closeFile();
    }
    return 0;
  }

  /** The control API of a running app: verbs run against its live services. Mounted before the app starts. */
  static ControlServer control(App app, Path dataDir, Optional<Runnable> showDashboard) {
    AppServices live = AppServices.live(app);
    ControlServer control = new ControlServer(dataDir, Version.current(),
        (args, out, err) -> Cli.run(args, live, out, err), Cli.VERBS, showDashboard, new SecureRandom());
    // The loopback server runs even with routing off (gateway.enabled=false) or on a random port (gateway.port=0).
    for (String path : ControlServer.PATHS) {
      app.gateway.mount(path, control.handler());
    }
    return control;
  }

  /** Writes the instance file naming the started loopback server's port; returns the port. */
  static int publish(App app, ControlServer control) {
    int port = app.gateway.port();
    control.publish(port);
    return port;
  }

  static App newApp(Settings settings, AppPaths paths) {
    return newApp(settings, paths, Clock.systemDefaultZone());
  }

  static App newApp(Settings settings, AppPaths paths, Clock clock) {
    return new App(settings, paths, clock, ProcMemorySource.forThisMachine(), App.gce(settings),
        App.catalog(settings));
  }

  /** The current log file (java.util.logging rotates {@code headroom.%g.log}; 0 is the newest). */
  static Path logFile(Path dataDir) {
    return dataDir.resolve("logs").resolve("headroom.0.log");
  }

  // Before anything logs: console now, the rotating file once the data dir is known (long-running modes).
  private static void configureLogging(String verb, AppPaths paths) {
    Logging.configure(verb.equals("gui") || verb.equals("--dashboard") || verb.equals("--headless"));
  }
}
