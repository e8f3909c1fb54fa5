package dev.headroom.ui;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives Headroom's windows the X11 class "Headroom" (WM_CLASS "headroom", "Headroom") instead of "java", so docks and
 * task switchers group them under the Headroom launcher ({@code StartupWMClass=Headroom} in the .desktop file) and
 * show its icon. GDK derives the class from the GLib program name when GTK initialises, so the name is set through
 * GLib before JavaFX starts GTK. A no-op off Linux or when GLib cannot be loaded.
 */
final class GtkIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(GtkIdentity.class);
  static final String PROGRAM = "headroom";
  private static boolean applied;

  private GtkIdentity() {}

  /** The part of GLib used here. */
  interface GLib extends Library {
    void g_set_prgname(String name);

    String g_get_prgname();
  }

  /**
   * Names the JavaFX application "Headroom" (FX thread, before the first window): glass uses that name as the
   * WM_CLASS of every stage, "java" otherwise. Glass is internal API: reachable when JavaFX is on the class path, and
   * in the packaged runtime through {@code --add-exports javafx.graphics/com.sun.glass.ui=ALL-UNNAMED}
   * (packaging/build-installer.sh); without it the windows keep WM_CLASS "java" and nothing else changes.
   */
  static void nameFxApplication() {
    try {
      Class<?> app = Class.forName("com.sun.glass.ui.Application");
      Object instance = app.getMethod("GetApplication").invoke(null);
      app.getMethod("setName", String.class).invoke(instance, "Headroom");
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("Cannot name the JavaFX application ({}); windows keep WM_CLASS java", e.toString());
    }
  }

  static synchronized void apply() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (applied || os.contains("mac") || os.contains("win")) {
      return;
    }
    applied = true;
    try {
      GLib glib = Native.load("glib-2.0", GLib.class);
      glib.g_set_prgname(PROGRAM);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LOG.debug("Cannot set the GTK program name ({}); windows keep WM_CLASS java", e.toString());
    }
  }
}
