package dev.headroom.notify;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OS's own notifications: {@code notify-send} (libnotify, the freedesktop notification service) on Linux,
 * Notification Center through {@code osascript} on macOS. Arguments are passed as separate process arguments,
 * never through a shell, so a VM name or a reason cannot inject anything. Windows (and a Linux without
 * {@code notify-send}) use the tray icon's balloon instead.
 */
public final class NativeNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(NativeNotifier.class);

  /** Which tool shows the notification. */
  enum Tool { NOTIFY_SEND, OSASCRIPT }

  private final Tool tool;
  private final Path program;
  private final Optional<Path> icon;
  private final Executor executor;

  NativeNotifier(Tool tool, Path program, Optional<Path> icon, Executor executor) {
    this.tool = tool;
    this.program = program;
    this.icon = icon;
    this.executor = executor;
  }

  /** The native notifier of this system, if it has one (the search uses {@code PATH} from {@code env}). */
  public static Optional<Notifier> forThisSystem(Map<String, String> env, Optional<Path> icon, Executor executor) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("win")) {
      return Optional.empty();
    }
    Tool tool = os.contains("mac") ? Tool.OSASCRIPT : Tool.NOTIFY_SEND;
    String name = tool == Tool.OSASCRIPT ? "osascript" : "notify-send";
    return onPath(name, env.getOrDefault("PATH", "")).map(p -> new NativeNotifier(tool, p, icon, executor));
  }

  static Optional<Path> onPath(String name, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The command line that shows {@code n}. */
  List<String> command(Notification n) {
    List<String> c = new ArrayList<>();
    c.add(program.toString());
    if (tool == Tool.NOTIFY_SEND) {
      c.addAll(List.of("--app-name=Headroom", "--urgency=" + (n.urgent() ? "critical" : "normal"),
          "--category=" + category(n.kind())));
      icon.ifPresent(i -> c.add("--icon=" + i));
      // "--" ends the options: a title starting with "-" is still a title.
      c.addAll(List.of("--", n.title(), n.body()));
    } else {
      c.addAll(List.of("-e", "on run argv", "-e",
          "display notification (item 2 of argv) with title \"Headroom\" subtitle (item 1 of argv)", "-e",
          "end run", n.title(), n.body()));
    }
    return c;
  }

  private static String category(Notification.Kind kind) {
    return switch (kind) {
      case PRESSURE_HIGH, PRESSURE_CRITICAL -> "device";
      case BUDGET -> "transfer";
      default -> "network";
    };
  }

  @Override
  public void show(Notification n) {
    List<String> cmd = command(n);
    executor.execute(() -> {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        } else if (p.exitValue() != 0) {
          LOG.warn("{} exited {} (is a notification service running?)", program.getFileName(), p.exitValue());
        }
      } catch (IOException e) {
        LOG.warn("Cannot run {}: {}", program, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }
}
