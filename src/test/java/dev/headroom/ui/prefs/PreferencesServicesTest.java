package dev.headroom.ui.prefs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.cost.VmPrice;
import dev.headroom.desktop.LaunchAtLogin;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Preferences' helpers headless (Monocle): Spot prices per shape, Test route, launch at login (home redirected). */
class PreferencesServicesTest extends FxRobot {
  @TempDir Path dir;
  private final ExecutorService background = Executors.newFixedThreadPool(2);
  private HttpServer server;

  @AfterEach
  void close() throws Exception {
    if (server != null) {
      server.stop(0);
    }
    background.shutdownNow();
    FxToolkit.cleanupStages();
  }

  private static Optional<VmPrice> price(String type, String region) {
    if (!region.equals("us-central1")) {
      return Optional.empty();
    }
    BigDecimal perHour = switch (type) {
      case "e2-highmem-4" -> new BigDecimal("0.0463");
      case "e2-highmem-8" -> new BigDecimal("0.0926");
      default -> new BigDecimal("0.2");
    };
    return Optional.of(new VmPrice(perHour, Optional.empty(), VmPrice.Source.FALLBACK,
        Instant.parse("2026-07-22T00:00:00Z")));
  }

  private PreferencesModel show(String json, LaunchAtLogin login) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, json);
    PreferencesServices services = new PreferencesServices(Optional.of(login), PreferencesServicesTest::price,
        new RouteTester(background), background, Platform::runLater);
    Stage stage = FxToolkit.registerPrimaryStage();
    PreferencesModel[] model = new PreferencesModel[1];
    WaitForAsyncUtils.asyncFx(() -> {
      model[0] = PreferencesModel.open(file, Map.of());
      stage.setScene(new Scene(new PreferencesView(model[0], Optional.of(services)).root(), 1000, 800));
      stage.show();
    }).get(30, TimeUnit.SECONDS);
    return model[0];
  }

  private LaunchAtLogin linuxLogin(Path home) {
    return new LaunchAtLogin(LaunchAtLogin.Os.LINUX, home, Map.of(), List.of("/opt/headroom/bin/Headroom"),
        command -> 1);
  }

  @Test
  void shapesAreListedWithTheirSpotPriceAndOneCanBeChosen() throws Exception {
    PreferencesModel model = show("""
        {"gcp": {"project": "p", "region": "us-central1", "zones": ["us-central1-a", "us-central1-f"],
                 "machineType": "e2-highmem-4"}}
        """, linuxLogin(dir.resolve("home")));
    @SuppressWarnings("unchecked")
    TableView<ShapePrices.Row> table = lookup("#pref-shape-prices").queryAs(TableView.class);
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !table.getItems().isEmpty());
    ShapePrices.Row row = table.getItems().stream().filter(r -> r.type().equals("e2-highmem-8")).findFirst()
        .orElseThrow();
    assertThat(row.price().orElseThrow().perHour()).isEqualByComparingTo("0.0926");
    assertThat(row.memoryGib()).isEqualByComparingTo("64");
    assertThat(lookup("#pref-zone-prices").queryAs(Label.class).getText())
        .isEqualTo("Zones us-central1-a, us-central1-f: e2-highmem-4 costs $0.0463/h Spot in each (Spot prices are"
            + " set per region, us-central1; bundled rates, boot disk included).");

    interact(() -> table.getSelectionModel().select(row));
    clickOn("#pref-shape-use");
    assertThat(model.text("gcp.machineType").get()).isEqualTo("e2-highmem-8");

    // Another region: the list follows (and says when there is no rate there).
    interact(() -> model.text("gcp.region").set("mars-north1"));
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
        () -> lookup("#pref-zone-prices").queryAs(Label.class).getText().contains("no Spot rate"));
    assertThat(table.getItems()).allMatch(r -> r.price().isEmpty());
  }

  @Test
  void testRouteCallsTheLocalTargetAndSaysWhatCameBack() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.setExecutor(background);
    server.start();
    int port = server.getAddress().getPort();
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    show("""
        {"gateway": {"routes": [
          {"name": "chat", "pathPrefix": "/chat/", "policy": "LOCAL_ONLY", "localUrl": "http://127.0.0.1:%d"},
          {"name": "vision", "pathPrefix": "/vision/", "policy": "LOCAL_ONLY", "localUrl": "http://127.0.0.1:%d"}]}}
        """.formatted(port, closed), linuxLogin(dir.resolve("home")));
    Label result = lookup("#pref-route-test-result").queryAs(Label.class);

    interact(() -> lookup("#pref-route-test-chat").queryAs(Button.class).fire());
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> result.getText().contains("HTTP"));
    assertThat(result.getText()).matches("chat \\(http://127\\.0\\.0\\.1:" + port + "\\): HTTP 200 in \\d+ ms from"
        + " 127\\.0\\.0\\.1:" + port + ": the backend answers\\.");

    interact(() -> lookup("#pref-route-test-vision").queryAs(Button.class).fire());
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> result.getText().contains("Nothing answers"));
    assertThat(result.getText()).endsWith("(connection refused): is the local backend running?");
    assertThat(result.getStyleClass()).contains("error-text");
  }

  @Test
  void launchAtLoginWritesAndRemovesTheAutostartEntry() throws Exception {
    Path home = dir.resolve("home");
    show("{}", linuxLogin(home));
    Path entry = home.resolve(".config/autostart/headroom.desktop");
    CheckBox box = lookup("#pref-launch-at-login").queryAs(CheckBox.class);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(box.isSelected()).isFalse();

    interact(box::fire);
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Files.exists(entry));
    assertThat(Files.readString(entry)).contains("[Desktop Entry]").contains("Exec=/opt/headroom/bin/Headroom");
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
        () -> lookup("#pref-launch-at-login-status").queryAs(Label.class).getText().startsWith("On: written"));

    interact(box::fire);
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !Files.exists(entry));
  }

  @Test
  void anEntryAlreadyThereShowsAsOn() throws Exception {
    Path home = dir.resolve("home");
    linuxLogin(home).enable();
    show("{}", linuxLogin(home));
    CheckBox box = lookup("#pref-launch-at-login").queryAs(CheckBox.class);
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, box::isSelected);
  }
}
