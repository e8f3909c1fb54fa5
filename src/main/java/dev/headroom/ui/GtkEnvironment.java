package dev.headroom.ui;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On Linux, GTK 3 initialises OpenGL when it opens the display (to pick a visual), which maps Mesa and LLVM (about
 * 55 MB resident under software rendering) although JavaFX never uses GTK's GL. {@code GDK_GL=disable} skips that;
 * it must be in the process environment before JavaFX starts GTK, so it is set here through libc (JNA is already
 * on the class path for OSHI). A value the user set is left alone.
 */
public final class GtkEnvironment {
  private static final Logger LOG = LoggerFactory.getLogger(GtkEnvironment.class);

  private GtkEnvironment() {}

  private interface LibC extends Library {
    int setenv(String name, String value, int overwrite);
  }

  /** Call before JavaFX starts. Does nothing off Linux or when GDK_GL is already set. */
  public static void beforeToolkit(Map<String, String> env) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") || env.containsKey("GDK_GL")) {
      return;
    }
    try {
      Native.load("c", LibC.class).setenv("GDK_GL", "disable", 0);
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Could not set GDK_GL: {}", e.toString()); // only costs memory
    }
  }
}
