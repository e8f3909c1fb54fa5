package dev.headroom.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Per-OS locations of the config file and the data directory.
 *
 * @param configFile the user's {@code config.json}
 * @param dataDir where the H2 database and logs live
 */
public record AppPaths(Path configFile, Path dataDir) {

  /** Resolves the standard locations, honouring {@code HEADROOM_CONFIG} and {@code HEADROOM_HOME}. */
  public static AppPaths standard(Map<String, String> env) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    Path home = Path.of(System.getProperty("user.home"));
    Path base;
    if (env.containsKey("HEADROOM_HOME")) {
      base = Path.of(env.get("HEADROOM_HOME"));
      return new AppPaths(resolveConfig(env, base.resolve("config.json")), base.resolve("data"));
    }
    Path configDir;
    Path dataDir;
    if (os.contains("mac")) {
      base = home.resolve("Library/Application Support/Headroom");
      configDir = base;
      dataDir = base.resolve("data");
    } else if (os.contains("win")) {
      base = Path.of(env.getOrDefault("APPDATA", home.resolve("AppData/Roaming").toString()), "Headroom");
      configDir = base;
      dataDir = base.resolve("data");
    } else {
      configDir = Path.of(env.getOrDefault("XDG_CONFIG_HOME", home.resolve(".config").toString()), "headroom");
      dataDir = Path.of(env.getOrDefault("XDG_DATA_HOME", home.resolve(".local/share").toString()), "headroom");
    }
    return new AppPaths(resolveConfig(env, configDir.resolve("config.json")), dataDir);
  }

  private static Path resolveConfig(Map<String, String> env, Path fallback) {
    String explicit = env.get("HEADROOM_CONFIG");
    return explicit == null || explicit.isBlank() ? fallback : Path.of(explicit);
  }
}
