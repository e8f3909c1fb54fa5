package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.control.ControlServer;
import dev.headroom.control.InstanceFile;
import dev.headroom.ui.DesktopUi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A running desktop app (real services, control API, desktop UI on headless JavaFX) and a second launch of
 * {@code headroom}: the second asks the first to show its dashboard and exits 0.
 */
class SecondLaunchTest {
  @TempDir Path home;

  @Test
  void aSecondLaunchBringsUpTheFirstsDashboardAndExitsZero() throws Exception {
    FxToolkit.registerPrimaryStage();
    Map<String, String> env = Map.of("HEADROOM_HOME", home.toString(), "HEADROOM_GATEWAY_PORT", "0");
    AppPaths paths = AppPaths.standard(env);
    Settings settings = new SettingsLoader().load(paths.configFile(), env);
    Path dataDir = App.dataDir(settings, paths);
    try (App app = Main.newApp(settings, paths); ControlServer control = Main.control(app, dataDir, Optional.empty())) {
      app.start();
      Main.publish(app, control);
      DesktopUi ui = GuiWiring.create(app, paths, env, "test", Optional.empty());
      control.onShowDashboard(ui::showDashboard);
      assertThat(WaitForAsyncUtils.asyncFx(ui::dashboardShowing).get(10, TimeUnit.SECONDS)).isFalse();

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), env);

      assertThat(code).isZero();
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Headroom is already running (pid "
          + ProcessHandle.current().pid() + "); showing its dashboard.");
      WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(ui::dashboardShowing).get());
      Stage dashboard = WaitForAsyncUtils.asyncFx(() -> Window.getWindows().stream()
          .filter(w -> w instanceof Stage s && "Headroom".equals(s.getTitle())).map(w -> (Stage) w)
          .findFirst().orElseThrow()).get(10, TimeUnit.SECONDS);
      assertThat(dashboard.isShowing()).isTrue();
      assertThat(dashboard.getIcons()).as("window icon").isNotEmpty();
      WaitForAsyncUtils.asyncFx(dashboard::hide).get(10, TimeUnit.SECONDS);
    }
    assertThat(InstanceFile.path(dataDir)).doesNotExist();
    assertThat(Platform.isImplicitExit()).isFalse().as("the test JVM's JavaFX keeps running for other tests");
  }
}
