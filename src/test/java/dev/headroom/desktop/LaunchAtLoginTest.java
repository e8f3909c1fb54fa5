package dev.headroom.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.desktop.LaunchAtLogin.Os;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class LaunchAtLoginTest {
  @TempDir Path home;
  private final List<List<String>> commands = new ArrayList<>();

  private LaunchAtLogin login(Os os, Map<String, String> env, List<String> launch) {
    return new LaunchAtLogin(os, home, env, launch, c -> {
      commands.add(c);
      return c.get(1).equals("query") ? (commands.stream().anyMatch(x -> x.get(1).equals("add")) ? 0 : 1) : 0;
    });
  }

  @Test
  void linuxWritesAnXdgAutostartEntryThatStartsTheLauncher() throws Exception {
    LaunchAtLogin login = login(Os.LINUX, Map.of(), List.of("/opt/headroom/bin/Headroom"));
    assertThat(login.enabled()).isFalse();

    login.enable();

    Path f = home.resolve(".config/autostart/headroom.desktop");
    assertThat(login.file()).hasValue(f);
    assertThat(login.enabled()).isTrue();
    List<String> lines = Files.readAllLines(f);
    assertThat(lines.get(0)).isEqualTo("[Desktop Entry]");
    assertThat(lines).contains("Type=Application", "Name=Headroom", "Exec=/opt/headroom/bin/Headroom",
        "StartupWMClass=Headroom", "X-GNOME-Autostart-enabled=true", "Terminal=false");

    login.disable();
    assertThat(f).doesNotExist();
    assertThat(login.enabled()).isFalse();
  }

  @Test
  void linuxHonoursXdgConfigHomeAndQuotesArgumentsWithSpaces() throws Exception {
    Path config = home.resolve("cfg");
    LaunchAtLogin login = login(Os.LINUX, Map.of("XDG_CONFIG_HOME", config.toString()),
        List.of("/usr/bin/java", "-jar", "/home/me/My Apps/headroom.jar"));

    assertThat(login.toggle()).isTrue();

    assertThat(Files.readAllLines(config.resolve("autostart/headroom.desktop")))
        .contains("Exec=/usr/bin/java -jar \"/home/me/My Apps/headroom.jar\"");
  }

  @Test
  void macWritesALaunchAgentThatRunsAtLoad() throws Exception {
    LaunchAtLogin login = login(Os.MAC, Map.of(), List.of("/Applications/Headroom.app/Contents/MacOS/Headroom"));

    login.enable();

    Path f = home.resolve("Library/LaunchAgents/dev.headroom.app.plist");
    assertThat(f).exists();
    DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
    dbf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = dbf.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(f)));
    NodeList strings = doc.getElementsByTagName("string");
    assertThat(strings.item(0).getTextContent()).isEqualTo("dev.headroom.app");
    assertThat(strings.item(1).getTextContent()).isEqualTo("/Applications/Headroom.app/Contents/MacOS/Headroom");
    assertThat(Files.readString(f, StandardCharsets.UTF_8)).contains("<key>RunAtLoad</key>\n  <true/>");
    login.disable();
    assertThat(f).doesNotExist();
  }

  @Test
  void windowsAddsAndDeletesTheRunKeyValue() {
    LaunchAtLogin login = login(Os.WINDOWS, Map.of(),
        List.of("C:\\Program Files\\Headroom\\Headroom.exe"));

    login.enable();
    login.disable();

    assertThat(commands.get(0)).containsExactly("reg", "add", LaunchAtLogin.RUN_KEY, "/v", "Headroom", "/t", "REG_SZ",
        "/d", "\"C:\\Program Files\\Headroom\\Headroom.exe\"", "/f");
    assertThat(commands.get(commands.size() - 1)).containsExactly("reg", "delete", LaunchAtLogin.RUN_KEY, "/v",
        "Headroom", "/f");
    assertThat(login.file()).isEmpty();
  }
}
