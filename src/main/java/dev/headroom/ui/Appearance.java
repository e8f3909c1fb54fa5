package dev.headroom.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javafx.application.Application;
import javafx.scene.Scene;

/**
 * The dashboard's theme: AtlantaFX Primer Light or Primer Dark, chosen by the {@code ui.theme} setting ({@code
 * system} follows the OS appearance when it can be read, else light). Switching applies to every open window at
 * once (the theme is JavaFX's user-agent stylesheet); our own stylesheet only adds what the theme has no style for
 * and uses the theme's colour variables, so ChartFx charts follow too.
 *
 * <pre>{@code
 * Appearance look = new Appearance("system", Appearance.detectOs());   // detect off the FX thread
 * look.apply();                                                        // FX thread
 * look.style(scene);
 * }</pre>
 */
public final class Appearance {
  /** The stylesheet every scene gets on top of the theme. */
  public static final String STYLESHEET = "/ui/headroom.css";

  private final boolean osDark;
  private volatile String theme;

  /**
   * @param theme {@code system}, {@code light} or {@code dark}
   * @param osDark whether the OS asks for a dark appearance ({@link #detectOs()})
   */
  public Appearance(String theme, boolean osDark) {
    this.theme = theme;
    this.osDark = osDark;
  }

  /** True when the current choice resolves to dark. */
  public boolean dark() {
    return switch (theme) {
      case "dark" -> true;
      case "light" -> false;
      default -> osDark;
    };
  }

  public String theme() {
    return theme;
  }

  /** Changes the choice and applies it (FX thread). */
  public void setTheme(String newTheme) {
    this.theme = newTheme;
    apply();
  }

  /** Installs the theme as JavaFX's user-agent stylesheet (FX thread). */
  public void apply() {
    Application.setUserAgentStylesheet(dark() ? new PrimerDark().getUserAgentStylesheet()
        : new PrimerLight().getUserAgentStylesheet());
  }

  /** Adds our stylesheet to {@code scene}. */
  public static void style(Scene scene) {
    String css = Appearance.class.getResource(STYLESHEET).toExternalForm();
    if (!scene.getStylesheets().contains(css)) {
      scene.getStylesheets().add(css);
    }
  }

  /** Reads the OS appearance (a short command on Linux, macOS and Windows); false when it cannot be read. */
  public static boolean detectOs() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    return prefersDark(os, Appearance::run);
  }

  /** Asks the OS through {@code run} (command -> its output); package-private for tests. */
  static boolean prefersDark(String os, Function<List<String>, Optional<String>> run) {
    if (os.contains("mac")) {
      // Prints "Dark" in dark mode; the key is absent (exit 1, no output) in light mode.
      return run.apply(List.of("defaults", "read", "-g", "AppleInterfaceStyle"))
          .map(o -> o.trim().equalsIgnoreCase("dark")).orElse(false);
    }
    if (os.contains("win")) {
      // "AppsUseLightTheme    REG_DWORD    0x0" means dark.
      return run.apply(List.of("reg", "query",
              "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize", "/v", "AppsUseLightTheme"))
          .map(o -> o.contains("0x0") && !o.contains("0x1")).orElse(false);
    }
    // GNOME 42+ and most portals: 'prefer-dark'; older GNOME: a GTK theme name ending in -dark.
    Optional<String> scheme = run.apply(List.of("gsettings", "get", "org.gnome.desktop.interface", "color-scheme"));
    if (scheme.map(s -> s.contains("prefer-dark")).orElse(false)) {
      return true;
    }
    return run.apply(List.of("gsettings", "get", "org.gnome.desktop.interface", "gtk-theme"))
        .map(s -> s.toLowerCase(Locale.ROOT).contains("dark")).orElse(false);
  }

  private static Optional<String> run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return Optional.empty();
        }
        return p.exitValue() == 0 ? Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            : Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty(); // no such command here
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
