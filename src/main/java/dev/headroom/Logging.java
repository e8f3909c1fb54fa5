package dev.headroom;

import dev.headroom.core.LogSafe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logging setup (SLF4J over java.util.logging): one line per record on stderr and, for the long-running modes, in
 * {@code <data dir>/logs/headroom.N.log} rotated at {@link #FILE_LIMIT} bytes over {@link #FILE_COUNT} files. Every
 * message and exception text goes through {@link LogSafe}, so CR/LF/ANSI in a request cannot forge or recolour a
 * log line, whoever logged it.
 */
final class Logging {
  static final int FILE_LIMIT = 5 << 20;
  static final int FILE_COUNT = 5;

  private static FileHandler file;

  private Logging() {}

  /**
   * java.util.logging's own shutdown hook closes every handler while ours is still stopping the app, which would
   * lose the shutdown's log lines; this manager ignores that one reset (handlers flush on every record anyway).
   * Selected by {@link Main#main} through {@code java.util.logging.manager} before anything logs.
   */
  public static final class KeepOpenAtExit extends LogManager {
    @Override
    public void reset() {
      if (!Thread.currentThread().getClass().getName().startsWith("java.util.logging.LogManager$")) {
        super.reset();
      }
    }
  }

  /** Selects {@link KeepOpenAtExit}; only effective before java.util.logging is first used. */
  static void keepOpenAtExit() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", KeepOpenAtExit.class.getName());
    }
  }

  /** Console logging: INFO and up for the app modes, WARNING and up for CLI verbs. */
  static synchronized void configure(boolean longRunning) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(longRunning ? Level.INFO : Level.WARNING);
    ConsoleHandler console = new ConsoleHandler(); // stderr
    console.setLevel(Level.ALL);
    console.setFormatter(new SafeFormatter());
    root.addHandler(console);
    for (String noisy : new String[] {"com.google", "io.grpc", "oshi", "org.apache", "io.netty"}) {
      Logger.getLogger(noisy).setLevel(Level.WARNING);
    }
  }

  /** Adds the rotating log file under {@code dataDir/logs}; a failure to open it is reported, not fatal. */
  static synchronized void toFile(Path dataDir) {
    if (file != null) {
      return;
    }
    try {
      Path dir = dataDir.resolve("logs");
      Files.createDirectories(dir);
      file = new FileHandler(dir.resolve("headroom.%g.log").toString(), FILE_LIMIT, FILE_COUNT, true);
      file.setFormatter(new SafeFormatter());
      file.setLevel(Level.ALL);
      Logger.getLogger("").addHandler(file);
    } catch (IOException | RuntimeException e) {
      Logger.getLogger(Logging.class.getName()).warning("No log file in " + dataDir + ": " + e);
    }
  }

  /** Flushes and closes the log file (the last step of a shutdown). */
  static synchronized void closeFile() {
    if (file != null) {
      Logger.getLogger("").removeHandler(file);
      file.close();
      file = null;
    }
  }

  /** {@code time LEVEL logger - message}, control characters escaped, exceptions one escaped line per cause. */
  static final class SafeFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder b = new StringBuilder(128);
      b.append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel().getName()).append(' ')
          .append(r.getLoggerName()).append(" - ").append(LogSafe.escapeAll(formatMessage(r))).append('\n');
      Throwable t = r.getThrown();
      for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
        b.append(depth == 0 ? "  " : "  caused by: ").append(LogSafe.escapeAll(t.toString())).append('\n');
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 12); i++) {
          b.append("\tat ").append(frames[i]).append('\n');
        }
        if (frames.length > 12) {
          b.append("\t... ").append(frames.length - 12).append(" more\n");
        }
      }
      return b.toString();
    }
  }

}
