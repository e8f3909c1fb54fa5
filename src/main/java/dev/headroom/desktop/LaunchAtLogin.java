package dev.headroom.desktop;

import dev.headroom.core.AppException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Starts Headroom when the user logs in, the way each OS expects it: an XDG autostart entry
 * ({@code ~/.config/autostart/headroom.desktop}) on Linux, a LaunchAgent
 * ({@code ~/Library/LaunchAgents/dev.headroom.app.plist}) on macOS, a value in the per-user Run key
 * ({@code HKCU\Software\Microsoft\Windows\CurrentVersion\Run}, through {@code reg.exe}) on Windows.
 *
 * <pre>{@code
 * LaunchAtLogin login = LaunchAtLogin.forThisSystem(System.getenv());
 * if (!login.enabled()) login.enable();
 * }</pre>
 */
public final class LaunchAtLogin {
  static final String RUN_KEY = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";
  static final String LABEL = "dev.headroom.app";

  /** The operating systems handled. */
  public enum Os { LINUX, MAC, WINDOWS }

  /** Runs a command and returns its exit code (reg.exe on Windows). */
  @FunctionalInterface
  public interface Exec {
    int run(List<String> command);
  }

  private final Os os;
  private final Path home;
  private final Map<String, String> env;
  private final List<String> launch;
  private final Exec exec;

  /**
   * @param launch the command that starts the app (the installed launcher, or java -jar in development)
   */
  public LaunchAtLogin(Os os, Path home, Map<String, String> env, List<String> launch, Exec exec) {
    this.os = os;
    this.home = home;
    this.env = env;
    this.launch = List.copyOf(launch);
    this.exec = exec;
  }

  /** For this machine and user, launching this very program. */
  public static LaunchAtLogin forThisSystem(Map<String, String> env) {
    String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    Os os = name.contains("mac") ? Os.MAC : name.contains("win") ? Os.WINDOWS : Os.LINUX;
    return new LaunchAtLogin(os, Path.of(System.getProperty("user.home")), env, thisProgram(), command -> {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    });
  }

  /**
   * The command that started this process: the jpackage launcher when installed ({@code jpackage.app-path}), else
   * {@code java -jar <jar>}.
   */
  static List<String> thisProgram() {
    String appPath = System.getProperty("jpackage.app-path");
    if (appPath != null && !appPath.isBlank()) {
      return List.of(appPath);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("java.class.path", "");
    String jar = cp.split(File.pathSeparator)[0];
    return jar.endsWith(".jar") ? List.of(java, "-jar", Path.of(jar).toAbsolutePath().toString())
        : List.of(java, "-cp", cp, "dev.headroom.Main");
  }

  /** The file this writes (Linux, macOS); empty on Windows (a registry value). */
  public Optional<Path> file() {
    return switch (os) {
      case LINUX -> Optional.of(Path.of(env.getOrDefault("XDG_CONFIG_HOME", home.resolve(".config").toString()))
          .resolve("autostart").resolve("headroom.desktop"));
      case MAC -> Optional.of(home.resolve("Library/LaunchAgents").resolve(LABEL + ".plist"));
      case WINDOWS -> Optional.empty();
    };
  }

  /** Whether Headroom starts at login now. */
  public boolean enabled() {
    if (os == Os.WINDOWS) {
      return exec.run(List.of("reg", "query", RUN_KEY, "/v", "Headroom")) == 0;
    }
    return Files.isRegularFile(file().orElseThrow());
  }

  /** Turns it on (idempotent). */
  public void enable() {
    if (os == Os.WINDOWS) {
      int code = exec.run(List.of("reg", "add", RUN_KEY, "/v", "Headroom", "/t", "REG_SZ", "/d", windowsValue(launch),
          "/f"));
      if (code != 0) {
        throw new AppException("Could not add Headroom to " + RUN_KEY + " (reg.exe exit " + code + ")");
      }
      return;
    }
    Path f = file().orElseThrow();
    String text = os == Os.LINUX ? xdgEntry(launch) : launchAgent(launch);
    try {
      Files.createDirectories(f.getParent());
      Files.writeString(f, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AppException("Cannot write " + f + ": " + e.getMessage(), e);
    }
  }

  /** Turns it off (idempotent). */
  public void disable() {
    if (os == Os.WINDOWS) {
      if (enabled()) {
        exec.run(List.of("reg", "delete", RUN_KEY, "/v", "Headroom", "/f"));
      }
      return;
    }
    Path f = file().orElseThrow();
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new AppException("Cannot delete " + f + ": " + e.getMessage(), e);
    }
  }

  /** Flips it; returns the new state. */
  public boolean toggle() {
    if (enabled()) {
      disable();
    } else {
      enable();
    }
    return enabled();
  }

  /** An XDG autostart entry (Desktop Entry Specification; Exec quoting per its "Exec key" section). */
  static String xdgEntry(List<String> command) {
    String exec = command.stream().map(LaunchAtLogin::xdgQuote).collect(Collectors.joining(" "));
    return String.join("\n",
        "[Desktop Entry]",
        "Type=Application",
        "Name=Headroom",
        "Comment=Menu-bar memory watcher (started at login)",
        "Exec=" + exec,
        "Icon=headroom",
        "Terminal=false",
        "StartupWMClass=Headroom",
        "X-GNOME-Autostart-enabled=true",
        "") ;
  }

  private static String xdgQuote(String arg) {
    if (!arg.isEmpty() && arg.chars().noneMatch(c -> " \t\n\"'\\><~|&;$*?#()`%=".indexOf(c) >= 0)) {
      return arg;
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : arg.toCharArray()) {
      if (c == '"' || c == '`' || c == '$' || c == '\\') {
        b.append('\\');
      }
      if (c == '%') {
        b.append('%');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }

  /** A per-user LaunchAgent that runs the app once at login. */
  static String launchAgent(List<String> command) {
    List<String> lines = new ArrayList<>(List.of(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">",
        "<plist version=\"1.0\">",
        "<dict>",
        "  <key>Label</key>",
        "  <string>" + LABEL + "</string>",
        "  <key>ProgramArguments</key>",
        "  <array>"));
    command.forEach(a -> lines.add("    <string>" + xml(a) + "</string>"));
    lines.addAll(List.of(
        "  </array>",
        "  <key>RunAtLoad</key>",
        "  <true/>",
        "  <key>ProcessType</key>",
        "  <string>Interactive</string>",
        "</dict>",
        "</plist>",
        ""));
    return String.join("\n", lines);
  }

  /** The Run key's value: the command line, each argument quoted. */
  static String windowsValue(List<String> command) {
    return command.stream().map(a -> "\"" + a.replace("\"", "\\\"") + "\"").collect(Collectors.joining(" "));
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
