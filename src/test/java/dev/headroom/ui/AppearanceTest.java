package dev.headroom.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The theme choice and reading the OS appearance from each OS's command output. */
class AppearanceTest {

  private static Function<List<String>, Optional<String>> answers(Map<String, String> byFirstWordAndKey) {
    return cmd -> Optional.ofNullable(byFirstWordAndKey.get(cmd.get(0) + " " + cmd.get(cmd.size() - 1)));
  }

  @Test
  void gnomeColorSchemePreferDarkIsDark() {
    assertThat(Appearance.prefersDark("linux",
        answers(Map.of("gsettings color-scheme", "'prefer-dark'\n"))))
        .isTrue();
    assertThat(Appearance.prefersDark("linux", answers(Map.of("gsettings color-scheme", "'default'\n",
        "gsettings gtk-theme", "'Adwaita'\n")))).isFalse();
    assertThat(Appearance.prefersDark("linux", answers(Map.of("gsettings color-scheme", "'default'\n",
        "gsettings gtk-theme", "'Adwaita-dark'\n")))).isTrue();
  }

  @Test
  void macAppleInterfaceStyle() {
    assertThat(Appearance.prefersDark("mac os x", answers(Map.of("defaults AppleInterfaceStyle", "Dark\n")))).isTrue();
    assertThat(Appearance.prefersDark("mac os x", answers(Map.of()))).isFalse(); // key absent in light mode
  }

  @Test
  void windowsAppsUseLightTheme() {
    String dark = "\r\nHKEY_CURRENT_USER\\...\\Personalize\r\n    AppsUseLightTheme    REG_DWORD    0x0\r\n";
    String light = "\r\nHKEY_CURRENT_USER\\...\\Personalize\r\n    AppsUseLightTheme    REG_DWORD    0x1\r\n";
    assertThat(Appearance.prefersDark("windows 11", answers(Map.of("reg AppsUseLightTheme", dark)))).isTrue();
    assertThat(Appearance.prefersDark("windows 11", answers(Map.of("reg AppsUseLightTheme", light)))).isFalse();
  }

  @Test
  void noAnswerMeansLight() {
    assertThat(Appearance.prefersDark("linux", cmd -> Optional.empty())).isFalse();
  }

  @Test
  void explicitChoiceWinsOverTheOs() {
    assertThat(new Appearance("light", true).dark()).isFalse();
    assertThat(new Appearance("dark", false).dark()).isTrue();
    assertThat(new Appearance("system", true).dark()).isTrue();
    assertThat(new Appearance("system", false).dark()).isFalse();
  }
}
