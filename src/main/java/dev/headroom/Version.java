package dev.headroom;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The app's version, from the build ({@code headroom-version.properties}, filtered by Maven). */
final class Version {
  private static final String VERSION = load();

  private Version() {}

  static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/headroom-version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through to the manifest
    }
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
